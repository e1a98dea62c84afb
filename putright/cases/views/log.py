"""Log a case from any channel: find the resident (or add one), then record what they said."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from putright.cases.access import require_change, staff_view
from putright.cases.forms.log import LogCaseForm
from putright.residents.models import Resident


@staff_view
def log_case(request):
    require_change(request.user)
    chosen = request.GET.get("resident", "")
    if not chosen:
        query = request.GET.get("q", "").strip()
        matches = []
        if query:
            matches = Resident.objects.filter(
                Q(name__icontains=query) | Q(email__iexact=query) | Q(postcode__iexact=query.upper()) | Q(tenancy_reference__iexact=query)
            ).order_by("name")[:20]
        return render(request, "cases/log_find.html", {"query": query, "matches": matches})
    if chosen != "new" and not chosen.isdigit():
        raise Http404("No such resident.")  # not a 500 for ?resident=abc
    resident = None if chosen == "new" else get_object_or_404(Resident, pk=chosen)
    posted = request.method == "POST"
    suggesting = posted and "suggest" in request.POST  # the "Suggest what it is" button: nothing is saved
    form = LogCaseForm(request.POST if posted else None, user=request.user, resident=resident, suggesting=suggesting)
    if posted and not suggesting and form.run():
        case = form.result
        messages.success(request, f"Logged as {case.reference}.")
        return redirect("cases:detail", case.reference)
    return render(request, "cases/log.html", {"form": form, "resident": resident})

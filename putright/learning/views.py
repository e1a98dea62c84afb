"""Learning from complaints and the service improvements list."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from putright.cases.access import get_case_for_staff, require_change, staff_view
from putright.learning import forms
from putright.learning.actions import has_response
from putright.learning.models import ImprovementStatus, LearningItem, ServiceImprovement
from putright.ombudsman.views import form_page


@staff_view
def improvement_list(request):
    today = timezone.localdate()
    improvements = list(
        ServiceImprovement.objects.select_related("owner", "service_area").prefetch_related("cases").order_by("status", "due_by", "id")
    )
    for i in improvements:
        i.overdue = i.is_overdue(today)
    items = LearningItem.objects.select_related("case", "service_area").order_by("-recorded_on", "-id")[:50]
    return render(
        request, "learning/list.html",
        {"improvements": improvements, "items": items, "today": today, "done": ImprovementStatus.DONE},
    )


@staff_view
def record(request, reference):
    require_change(request.user)
    case = get_case_for_staff(request.user, reference)
    if not has_response(case):
        messages.info(request, "Record learning once the complaint has had a response.")
        return redirect("cases:detail", case.reference)
    posted = request.method == "POST"
    form = forms.LearningForm(request.POST if posted else None, case=case, user=request.user)
    return form_page(request, form, back_url=reverse("cases:detail", args=[case.reference]), caption=case.reference)


@staff_view
def improvement_new(request):
    require_change(request.user)
    posted = request.method == "POST"
    form = forms.ImprovementForm(request.POST if posted else None, user=request.user)
    return form_page(request, form, back_url=reverse("learning:list"))


@staff_view
def improvement(request, pk):
    item = get_object_or_404(ServiceImprovement.objects.select_related("owner", "service_area"), pk=pk)
    form = None
    if request.user.can_change_cases:
        posted = request.method == "POST"
        form = forms.ImprovementUpdateForm(request.POST if posted else None, improvement=item, user=request.user)
        if posted and form.run():
            messages.success(request, "Improvement updated.")
            return redirect("learning:improvement", item.pk)
    elif request.method == "POST":
        require_change(request.user)
    return render(request, "learning/improvement.html", {"item": item, "form": form, "today": timezone.localdate()})

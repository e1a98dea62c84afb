"""Staff pages: the hazards worklist, a hazard report, raising one from a case, each step."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from putright.cases.access import get_case_for_staff, require_change, staff_view

from . import queries, steps
from .forms import STEPS, RaiseForm
from .models import HazardReport


def _report(request, pk: int) -> HazardReport:
    # Hazard reports sit beside cases and share their access rule: staff who may read cases.
    get_case_for_staff(request.user, get_object_or_404(HazardReport.objects.select_related("case"), pk=pk).case.reference)
    return get_object_or_404(HazardReport.objects.select_related("case", "kind", "resident"), pk=pk)


@staff_view
def worklist(request):
    now = timezone.now()
    chosen = request.GET.get("show", "overdue")
    if chosen not in queries.WORKLIST:
        chosen = "overdue"
    reports = list(queries.worklist(chosen, now)[:200])
    return render(request, "hazards/worklist.html", {
        "counts": [(name, label, queries.worklist(name, now).count()) for name, label in queries.WORKLIST.items()],
        "chosen": chosen, "chosen_label": queries.WORKLIST[chosen], "reports": reports,
    })


@staff_view
def detail(request, pk):
    report = _report(request, pk)
    can_change = getattr(request.user, "can_change_cases", False)
    available = [(slug, form.title) for slug, (form, ok) in STEPS.items() if report.is_open and can_change and ok(report)]
    return render(request, "hazards/detail.html", {
        "report": report, "rows": steps.step_rows(report), "available": available,
        "events": report.events.order_by("-at", "-id"),
    })


@staff_view
def raise_hazard(request, reference):
    require_change(request.user)
    case = get_case_for_staff(request.user, reference)
    posted = request.method == "POST"
    form = RaiseForm(request.POST if posted else None, case=case, user=request.user)
    if posted and form.run():
        messages.success(request, form.done_message())
        return redirect("hazards:detail", form.result.pk)
    return render(request, "hazards/form.html", {"form": form, "case": case})


@staff_view
def step(request, pk, slug):
    if slug not in STEPS:
        raise Http404("No such step.")
    require_change(request.user)
    report = _report(request, pk)
    form_class, available = STEPS[slug]
    if not report.is_open or not available(report):
        messages.info(request, f"“{form_class.title}” is not possible now.")
        return redirect("hazards:detail", report.pk)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, report=report, user=request.user)
    if posted and form.run():
        messages.success(request, form.done_message())
        return redirect("hazards:detail", report.pk)
    return render(request, "hazards/form.html", {"form": form, "case": report.case, "report": report})

"""A resident's safeguards: adjustments and their reviews (5.10), restrictions (5.14, 5.15)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from putright.audit import record_read
from putright.cases.access import require_change, require_manage, staff_view
from putright.residents import forms
from putright.residents.models import Adjustment, Representative, Resident, Restriction


def _resident(user, pk) -> Resident:
    if not getattr(user, "can_read_cases", False):
        raise PermissionDenied("Your account cannot see residents.")
    return get_object_or_404(Resident, pk=pk)


def _form_page(request, form, resident):
    back = reverse("residents:detail", args=[resident.pk])
    if request.method == "POST" and form.run():
        messages.success(request, f"{form.title}: saved.")
        return redirect(back)
    return render(request, "ombudsman/form_page.html", {"form": form, "back_url": back, "caption": resident.name})


@staff_view
def detail(request, pk):
    resident = _resident(request.user, pk)
    record_read(request.user, "resident", resident, path=request.path)
    today = timezone.localdate()
    restrictions = list(resident.restrictions.all())
    for r in restrictions:
        r.status_today = r.status(today)
    adjustments = list(resident.adjustments.all())
    return render(
        request,
        "residents/detail.html",
        {
            "resident": resident,
            "today": today,
            "restrictions": restrictions,
            "adjustments": adjustments,
            "cases": resident.cases.order_by("-received_on", "-id")[:50],
            "events": resident.events.select_related("actor").order_by("-at", "-id"),
            "can_change": request.user.can_change_cases,
            "can_manage": request.user.can_manage_cases,
        },
    )


@staff_view
def add_restriction(request, pk):
    require_manage(request.user)
    resident = _resident(request.user, pk)
    posted = request.method == "POST"
    return _form_page(request, forms.RestrictionForm(request.POST if posted else None, resident=resident, user=request.user), resident)


@staff_view
def review_restriction(request, pk, rid):
    require_manage(request.user)
    resident = _resident(request.user, pk)
    restriction = get_object_or_404(Restriction, pk=rid, resident=resident)
    posted = request.method == "POST"
    return _form_page(request, forms.RestrictionReviewForm(request.POST if posted else None, restriction=restriction, user=request.user), resident)


@staff_view
def end_restriction(request, pk, rid):
    require_manage(request.user)
    resident = _resident(request.user, pk)
    restriction = get_object_or_404(Restriction, pk=rid, resident=resident)
    posted = request.method == "POST"
    return _form_page(request, forms.RestrictionEndForm(request.POST if posted else None, restriction=restriction, user=request.user), resident)


@staff_view
def add_adjustment(request, pk):
    require_change(request.user)
    resident = _resident(request.user, pk)
    posted = request.method == "POST"
    return _form_page(request, forms.AdjustmentForm(request.POST if posted else None, resident=resident, user=request.user), resident)


@staff_view
def review_adjustment(request, pk, aid):
    require_change(request.user)
    resident = _resident(request.user, pk)
    adjustment = get_object_or_404(Adjustment, pk=aid, resident=resident)
    posted = request.method == "POST"
    return _form_page(request, forms.AdjustmentReviewForm(request.POST if posted else None, adjustment=adjustment, user=request.user), resident)


@staff_view
def record_consent(request, pk, rid):
    require_change(request.user)
    resident = _resident(request.user, pk)
    representative = get_object_or_404(Representative, pk=rid, resident=resident)
    posted = request.method == "POST"
    return _form_page(request, forms.ConsentForm(request.POST if posted else None, representative=representative, user=request.user), resident)

"""Named complaints roles and the governing body's receipt of reports: read by every staff role,
recorded by managers and administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from putright.cases.access import staff_view
from putright.governance import forms
from putright.governance.models import NamedRole, ReportReceipt, RoleKind
from putright.ombudsman.views import form_page


def _require_manager(user) -> None:
    if not getattr(user, "can_manage_cases", False):
        raise PermissionDenied("Only a complaints manager or administrator can record this.")


@staff_view
def index(request):
    roles = NamedRole.objects.select_related("created_by")
    return render(request, "governance/index.html", {
        "roles": [(kind, [r for r in roles if r.kind == kind]) for kind in RoleKind],
        "receipts": ReportReceipt.objects.all(),
        "can_manage": request.user.can_manage_cases,
    })


@staff_view
def appoint(request):
    _require_manager(request.user)
    form = forms.AppointForm(request.POST if request.method == "POST" else None, user=request.user)
    return form_page(request, form, back_url=reverse("governance:index"))


@staff_view
def receipt(request):
    _require_manager(request.user)
    form = forms.ReceiptForm(request.POST if request.method == "POST" else None, user=request.user)
    return form_page(request, form, back_url=reverse("governance:index"))

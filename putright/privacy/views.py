"""Staff pages for residents' data protection requests, and the subject access download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from putright.cases.access import require_change, require_manage, staff_view
from putright.residents.models import Resident

from . import forms
from .models import DataRequest, RequestKind
from .requests import erasure_blockers
from .subject_access import cases_of, produce_person_bundle

# Step name: (form, who may take it, the kinds of request it applies to).
STEPS = {
    "extend": (forms.ExtendForm, require_manage, tuple(RequestKind.values)),
    "refuse": (forms.RefuseForm, require_manage, tuple(RequestKind.values)),
    "sent": (forms.CompleteAccessForm, require_change, (RequestKind.ACCESS,)),
    "correct": (forms.RectifyForm, require_manage, (RequestKind.RECTIFICATION,)),
    "erase": (forms.EraseForm, require_manage, (RequestKind.ERASURE,)),
}


@staff_view
def request_list(request):
    outstanding = DataRequest.objects.outstanding().select_related("resident").order_by("due_by", "id")
    done = DataRequest.objects.filter(completed_on__isnull=False).select_related("resident").order_by("-completed_on", "-id")[:50]
    return render(request, "privacy/requests.html", {"outstanding": outstanding, "done": done, "today": timezone.localdate()})


@staff_view
def request_detail(request, rid):
    item = get_object_or_404(DataRequest.objects.select_related("resident", "recorded_by", "decided_by"), pk=rid)
    steps = [] if item.completed_on else [s for s, (_, _, kinds) in STEPS.items() if item.kind in kinds]
    if item.extended_to:
        steps = [s for s in steps if s != "extend"]
    return render(request, "privacy/request.html", {
        "item": item, "steps": steps, "today": timezone.localdate(), "cases": cases_of(item.resident),
        "blockers": erasure_blockers(item.resident, timezone.localdate()) if item.kind == RequestKind.ERASURE and not item.completed_on else [],
        "can_change": request.user.can_change_cases, "can_manage": request.user.can_manage_cases,
    })


@staff_view
def request_step(request, rid, step):
    if step not in STEPS:
        raise Http404
    form_class, check, kinds = STEPS[step]
    check(request.user)
    item = get_object_or_404(DataRequest.objects.select_related("resident"), pk=rid)
    if item.kind not in kinds or item.completed_on:
        raise Http404
    back = reverse("privacy:request", args=[item.pk])
    form = form_class(request.POST if request.method == "POST" else None, request_obj=item, user=request.user)
    if request.method == "POST" and form.run():
        messages.success(request, f"{form.title}: done.")
        return redirect(back)
    return render(request, "ombudsman/form_page.html", {"form": form, "back_url": back, "caption": str(item)})


@staff_view
def request_new(request, pk):
    require_change(request.user)
    resident = get_object_or_404(Resident, pk=pk)
    form = forms.RequestForm(request.POST if request.method == "POST" else None, resident=resident, user=request.user)
    if request.method == "POST" and form.run():
        messages.success(request, f"Request recorded: answer by {form.result.due_by:%-d %B %Y}.")
        return redirect("privacy:request", form.result.pk)
    return render(request, "ombudsman/form_page.html", {"form": form, "back_url": reverse("residents:detail", args=[pk]), "caption": resident.name})


@staff_view
@require_POST
def subject_access_download(request, pk):
    """The bundle as one ZIP (the PDF with the index inside it, and the originals)."""
    if not request.user.can_change_cases:
        raise PermissionDenied("Only complaints staff can produce a subject access bundle.")
    resident = get_object_or_404(Resident, pk=pk)
    bundle = produce_person_bundle(resident, actor=request.user)
    response = HttpResponse(bundle.zip, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle.zip_name}"'
    response["Cache-Control"] = "no-store"
    return response

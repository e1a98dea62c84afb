"""The inbox to log: emails that name no case, waiting for staff to log them in one step."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from putright.cases.access import require_change, staff_view
from putright.mailbox import forms
from putright.mailbox.fetch import read_as
from putright.mailbox.models import InboundMessage, MessageState
from putright.rules.lifecycle import KIND_LABELS, Kind


@staff_view
def inbox(request):
    waiting = list(InboundMessage.objects.filter(state=MessageState.WAITING).defer("raw").order_by("received_at", "id"))
    for item in waiting:  # what triage makes of each, so a complaint is not left behind requests (Code 1.2)
        # Stored when it arrived; emails fetched before that column existed are read now.
        item.reads_as = KIND_LABELS[Kind(item.reads_as or read_as(item.subject, item.body))]
    return render(request, "mailbox/inbox.html", {"waiting": waiting, "can_change": request.user.can_change_cases})


@staff_view
def message(request, pk):
    item = get_object_or_404(InboundMessage.objects.defer("raw"), pk=pk)
    return render(request, "mailbox/message.html", {"item": item, "can_change": request.user.can_change_cases and item.state == MessageState.WAITING})


def _step(request, pk, form_class):
    require_change(request.user)
    item = get_object_or_404(InboundMessage, pk=pk, state=MessageState.WAITING)
    form = form_class(request.POST if request.method == "POST" else None, message=item, user=request.user)
    back = reverse("mailbox:message", args=[pk])
    if request.method == "POST" and form.run():
        if form_class is forms.LogMessageForm:
            messages.success(request, f"Logged as {form.result.reference}.")
            return redirect("cases:detail", form.result.reference)
        messages.success(request, "Set aside: not a case.")
        return redirect("mailbox:inbox")
    template = "mailbox/log.html" if form_class is forms.LogMessageForm else "ombudsman/form_page.html"
    return render(request, template, {"form": form, "back_url": back, "caption": item.subject or item.sender})


@staff_view
def log_message(request, pk):
    return _step(request, pk, forms.LogMessageForm)


@staff_view
def set_aside(request, pk):
    return _step(request, pk, forms.SetAsideForm)

from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm
from putright.cases.models import Theme
from putright.mailbox import actions
from putright.residents.models import Resident
from putright.rules.lifecycle import KIND_LABELS, Kind
from putright.triage.staff import suggest_for_log


class LogMessageForm(ActionForm):
    title = "Log this email"
    submit = "Log it"
    kind = forms.ChoiceField(label="What is it?", choices=[(k.value, KIND_LABELS[k].capitalize()) for k in Kind], widget=forms.RadioSelect)
    description = forms.CharField(label="What the resident said, in their own words", widget=forms.Textarea(attrs={"rows": 8}))
    themes = forms.ModelMultipleChoiceField(label="Themes", queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    resident = forms.ModelChoiceField(label="Resident", required=False, queryset=Resident.objects.none(), empty_label="Not known yet")
    suggesting = False  # the triage banner's wording: this form pre-selects only before it is sent

    def __init__(self, *args, message=None, **kwargs):
        self.message = message
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(active=True)
        # Triage reads the email (subject and body) and pre-selects what it is and its themes;
        # the handler checks them and decides (Code 1.2, 1.3). Sent forms keep what was chosen.
        self.suggestion = suggest_for_log(f"{message.subject}\n{message.body}")
        if not self.is_bound:
            self.initial = {**self.initial, "kind": self.suggestion.kind, "themes": [t.pk for t in self.suggestion.themes]}
        received = timezone.localtime(message.received_at)
        self.guidance = [
            f"It will be logged as received by email on {received:%-d %B %Y} at {received:%H:%M}, when the mailbox "
            "received it: the Code's timescales count from receipt (6.2).",
            "The email and its attachments become the case's first correspondence.",
        ]
        self.fields["description"].initial = message.body
        # Residents whose email address is the sender's.
        self.fields["resident"].queryset = Resident.objects.filter(email__iexact=message.sender_email).order_by("name") if message.sender_email else Resident.objects.none()

    def perform(self):
        d = self.cleaned_data
        return actions.log_message(
            self.message, kind=d["kind"], description=d["description"], themes=d["themes"], resident=d["resident"], actor=self.user,
        )


class SetAsideForm(ActionForm):
    title = "Not a case"
    submit = "Set it aside"
    reason = forms.CharField(label="Why is this not a complaint, service request or compliment?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, message=None, **kwargs):
        self.message = message
        super().__init__(*args, **kwargs)

    def perform(self):
        return actions.set_aside(self.message, reason=self.cleaned_data["reason"], actor=self.user)

"""Forms for naming a complaints role and recording the governing body's receipt of a report."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm, DateField
from putright.governance import actions
from putright.governance.models import RoleKind
from putright.reports import periods


class AppointForm(ActionForm):
    title = "Name who holds a complaints role"
    guidance = [
        "The complaints officer or team answers complaints (Code 4.1); the senior lead is responsible for "
        "complaint handling (9.4); the Member Responsible for Complaints is on the governing body (9.5).",
        "The previous holder's time in the role ends the day before the new holder starts.",
    ]
    kind = forms.ChoiceField(label="Role", choices=RoleKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label="Name (a person, or the team's name)", max_length=200)
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    starts_on = DateField(label="Date they started in the role")

    def perform(self):
        d = self.cleaned_data
        return actions.appoint(d["kind"], name=d["name"], job_title=d["job_title"], starts_on=d["starts_on"], actor=self.user)


class ReceiptForm(ActionForm):
    title = "Record that the governing body received a report"
    guidance = [
        "The annual complaints performance and service improvement report goes to the governing body, and its "
        "response is published alongside it (Code 8.2); the quarterly reports go to it too (9.6).",
    ]
    year = forms.TypedChoiceField(label="Reporting year", coerce=int)
    quarter = forms.TypedChoiceField(label="Report", coerce=int, choices=[(0, "The annual report"), (1, "Quarter 1"), (2, "Quarter 2"),
                                                                        (3, "Quarter 3"), (4, "Quarter 4")])
    received_on = DateField(label="Date the governing body received it")
    meeting = forms.CharField(label="Meeting (optional)", max_length=200, required=False)
    response = forms.CharField(label="The governing body's response", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = periods.quarter_of(timezone.localdate())[0]
        self.fields["year"].choices = [(y, periods.year_label(y)) for y in range(current, current - 4, -1)]

    def perform(self):
        d = self.cleaned_data
        return actions.record_receipt(year=d["year"], quarter=d["quarter"], received_on=d["received_on"], meeting=d["meeting"],
                                      response=d["response"], actor=self.user)

"""One form per step on a hazard report. Each says what the law requires at that step and calls
the service function; the service decides."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm, DateField
from putright.rules import hazards as rules

from . import actions, kinds
from .models import AwareHow, Category, HazardKind, Outcome, StepKind

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class TimeField(forms.CharField):
    """A 24-hour time, typed as 16:30 (GOV.UK has no time picker pattern; two boxes would be slower)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = _TIME.match(value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(f"{self.label} must be a time on the 24-hour clock, like 16:30")
        return dt.time(int(match[1]), int(match[2]))


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return rules.local_moment(dt.datetime.combine(day, time))


class HazardForm(ActionForm):
    """A step on an existing hazard report: `report` is set; `case` is the report's case."""

    def __init__(self, *args, report=None, **kwargs):
        self.report = report
        super().__init__(*args, case=report.case if report is not None else kwargs.pop("case", None), **kwargs)


class RaiseForm(ActionForm):
    title = "This is about a hazard"
    submit = "Raise the hazard report"
    guidance = [
        "The clocks start when the landlord became aware: a call, an email, a visit, a contractor's note. Give that moment, not when it was logged.",
        "Emergency hazard (an imminent and significant risk): investigate and make safe within 24 hours, nights, weekends and bank holidays included.",
        "Significant hazard (damp and mould, for now): investigate within 10 working days.",
    ]
    kind = forms.ModelChoiceField(label="Hazard", queryset=HazardKind.objects.none(), empty_label=None)
    category = forms.ChoiceField(label="Emergency or significant?", choices=Category.choices, widget=forms.RadioSelect)
    aware_on = DateField(label="Date the landlord became aware", help_text="For example, 27 3 2026")
    aware_time = TimeField(label="Time the landlord became aware", help_text="24-hour clock, for example 16:30")
    aware_how = forms.ChoiceField(label="How the landlord became aware", choices=AwareHow.choices)
    description = forms.CharField(label="What was reported or seen", widget=forms.Textarea(attrs={"rows": 4}))
    home = forms.CharField(
        label="The home affected", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave blank to use the resident's address.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = HazardKind.objects.filter(active=True)
        self.fields["kind"].initial = kinds.damp().pk
        self.fields["category"].initial = rules.SIGNIFICANT
        if self.case is not None:
            self.fields["aware_on"].initial = self.case.received_on
            self.fields["description"].initial = self.case.description
            self.fields["aware_how"].initial = AwareHow.COMPLAINT if self.case.kind == "complaint" else AwareHow.RESIDENT_REPORT

    def perform(self):
        d = self.cleaned_data
        return actions.raise_hazard(
            self.case, kind=d["kind"], category=d["category"], aware_at=_moment(d["aware_on"], d["aware_time"]),
            aware_how=d["aware_how"], description=d["description"], home=d["home"], actor=self.user,
        )

    def done_message(self):
        return "Hazard report raised: the legal dates are below."


class InvestigationForm(HazardForm):
    title = "Record the investigation"
    submit = "Record the investigation"
    guidance = [
        "A competent person must investigate: someone with the skills and experience to say whether the home has a significant or emergency hazard.",
        "The written summary, the safety work and the preventative work are counted from the day the investigation concludes.",
    ]
    concluded_on = DateField(label="Date the investigation concluded")
    concluded_time = TimeField(label="Time it concluded", help_text="24-hour clock, for example 11:00")
    investigator = forms.CharField(label="Who investigated", help_text="Name and role")
    outcome = forms.ChoiceField(label="What it found", choices=Outcome.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label="Findings", widget=forms.Textarea(attrs={"rows": 5}))

    def perform(self):
        d = self.cleaned_data
        return actions.record_investigation(
            self.report, concluded_at=_moment(d["concluded_on"], d["concluded_time"]), investigator=d["investigator"],
            findings=d["findings"], outcome=d["outcome"], actor=self.user,
        )


class SummaryForm(HazardForm):
    title = "Record the written summary"
    submit = "Record the summary"
    guidance = ["Give the tenant a written summary of the investigation's findings within 3 working days of it concluding."]
    given_on = DateField(label="Date the summary was given")

    def perform(self):
        return actions.record_summary(self.report, given_on=self.cleaned_data["given_on"], actor=self.user)


class SafetyWorkForm(HazardForm):
    title = "Record the safety work"
    submit = "Record the safety work"
    guidance = [
        "Emergency hazard: the relevant safety work within 24 hours of becoming aware.",
        "Significant hazard: within 5 working days of the investigation concluding.",
        "If the home cannot be made safe in time, offer suitable alternative accommodation at the landlord's cost.",
    ]
    done_on = DateField(label="Date the work was done")
    done_time = TimeField(label="Time it was finished", help_text="24-hour clock, for example 15:00")
    work = forms.CharField(label="What was done", widget=forms.Textarea(attrs={"rows": 4}))

    def perform(self):
        d = self.cleaned_data
        return actions.record_safety_work(self.report, done_at=_moment(d["done_on"], d["done_time"]), work=d["work"], actor=self.user)


class PreventativeForm(HazardForm):
    title = "Record preventative work"
    submit = "Save"
    guidance = [
        "Begin the supplementary preventative work, or take steps to begin it, within 5 working days of the investigation concluding.",
        "Physically start it within 12 weeks, and complete it within a reasonable time.",
    ]
    work = forms.CharField(label="The preventative work", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    begun_on = DateField(label="Date begun (or steps taken to begin it)", required=False)
    started_on = DateField(label="Date physically started", required=False)
    completed_on = DateField(label="Date completed", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.report is not None:
            self.fields["work"].initial = self.report.preventative_work

    def perform(self):
        d = self.cleaned_data
        return actions.record_preventative_work(
            self.report, work=d["work"], begun_on=d["begun_on"], started_on=d["started_on"], completed_on=d["completed_on"], actor=self.user
        )


class AccommodationForm(HazardForm):
    title = "Alternative accommodation"
    submit = "Save"
    guidance = ["If the safety work cannot be done in time, offer suitable alternative accommodation, at the landlord's cost, until it is safe to return."]
    offered_on = DateField(label="Date offered")
    accepted = forms.ChoiceField(
        label="Did the household accept?", widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No, they refused"), ("unknown", "Not yet answered")],
    )
    moved_on = DateField(label="Date they moved", required=False)
    returned_on = DateField(label="Date they returned home", required=False)

    def perform(self):
        d = self.cleaned_data
        return actions.record_accommodation(
            self.report, offered_on=d["offered_on"], accepted={"yes": True, "no": False}.get(d["accepted"]),
            moved_on=d["moved_on"], returned_on=d["returned_on"], actor=self.user,
        )


class UpdateForm(HazardForm):
    title = "Record an update given to the resident"
    submit = "Save the update"
    guidance = ["Keep the tenant updated throughout, until the work is complete."]
    given_on = DateField(label="Date given")
    method = forms.CharField(label="How", help_text="Phone, letter, email, visit")
    summary = forms.CharField(label="What they were told", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()

    def perform(self):
        d = self.cleaned_data
        return actions.record_update(self.report, given_on=d["given_on"], method=d["method"], summary=d["summary"], actor=self.user)


class ReasonableStepForm(HazardForm):
    title = "Record evidence of reasonable steps"
    submit = "Save the evidence"
    guidance = ["If a clock cannot be met for reasons outside the landlord's control, record every step taken: the landlord may rely on them."]
    on = DateField(label="Date")
    kind = forms.ChoiceField(label="What stood in the way", choices=StepKind.choices)
    details = forms.CharField(label="The evidence", widget=forms.Textarea(attrs={"rows": 4}), help_text="Dates, calls, letters, names")

    def perform(self):
        d = self.cleaned_data
        return actions.record_reasonable_step(self.report, on=d["on"], kind=d["kind"], details=d["details"], actor=self.user)


class ReclassifyForm(HazardForm):
    title = "Change emergency or significant"
    submit = "Change"
    guidance = ["Every clock is counted again from the moment the landlord became aware: changing the category never restarts a clock."]
    category = forms.ChoiceField(label="Emergency or significant?", choices=Category.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        d = self.cleaned_data
        return actions.reclassify(self.report, category=d["category"], reason=d["reason"], actor=self.user)


class CloseForm(HazardForm):
    title = "Close the hazard report"
    submit = "Close"
    closed_on = DateField(label="Date closed")
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()

    def perform(self):
        d = self.cleaned_data
        return actions.close_hazard(self.report, closed_on=d["closed_on"], reason=d["reason"], actor=self.user)


# The steps shown on a hazard report, in order, with whether each is possible now.
STEPS = {
    "investigation": (InvestigationForm, lambda r: r.investigated_at is None),
    "summary": (SummaryForm, lambda r: r.investigated_at is not None and r.summary_given_on is None),
    "safety-work": (SafetyWorkForm, lambda r: r.outcome != Outcome.NO_HAZARD and r.safety_work_done_at is None),
    "preventative-work": (
        PreventativeForm,
        lambda r: r.investigated_at is not None and r.outcome != Outcome.NO_HAZARD and r.preventative_work_completed_on is None,
    ),
    "accommodation": (AccommodationForm, lambda r: r.accommodation_until is None),
    "update": (UpdateForm, lambda r: True),
    "reasonable-step": (ReasonableStepForm, lambda r: True),
    "reclassify": (ReclassifyForm, lambda r: r.investigated_at is None),
    "close": (CloseForm, lambda r: True),
}

"""Respond in one pass: the decision on each point of the agreed definition, any remedy and any
outstanding action, on one page, then straight into the response letter.

The points start from the complaint definition agreed at acknowledgement (Code 5.6): each line
or bullet of it is a point, so the handler does not type them twice. "Add another point" adds a
block without JavaScript (the form is shown again with one more). Everything is recorded through
the service functions (actions.respond, actions.add_remedy, actions.add_action) in one
transaction: if any of them refuses, nothing is saved and the form says why.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from types import SimpleNamespace

from django import forms
from django.db import transaction
from django.forms.utils import ErrorDict

from putright.accounts.models import CASEWORK_ROLES, User
from putright.cases import actions
from putright.cases.forms.actions import DECISIONS, _today, late_entry_field
from putright.cases.forms.base import ActionForm, DateField, MoneyField
from putright.cases.models import PaymentMethod, RemedyKind
from putright.rules.errors import RuleViolation

_NUMBERING = re.compile(r"^\s*(?:[-•*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+", re.I)
MAX_POINTS = 20


def definition_points(definition: str) -> list[str]:
    """The agreed definition as separate points: one per line or bullet, numbering removed.
    A definition written as one paragraph is one point."""
    lines = [_NUMBERING.sub("", line).strip() for line in (definition or "").splitlines()]
    return [line for line in lines if line]


class RespondForm(ActionForm):
    title = "Record the response"
    submit = "Record the response and write the letter"
    page_template = "cases/respond.html"
    guidance = [
        "Answer every point of the complaint definition, with reasons, citing policy, law and good practice (Code 6.7, 6.18).",
        "The letter must state the stage, the definition, the decision and reasons for each point, any remedy, outstanding actions, and how to escalate: to stage 2, or after stage 2 to the Ombudsman (6.9, 6.19).",
        "Respond when the answer is known, not when follow-up work is done: record that work as outstanding actions (6.6).",
    ]
    responded_on = DateField(label="Date the response was sent")
    late_entry_reason = late_entry_field()
    points = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_POINTS)

    # One remedy and one outstanding action, both optional; more can be added from the case page.
    remedy_kind = forms.ChoiceField(label="Remedy (optional)", required=False, choices=[("", "No remedy")] + RemedyKind.choices)
    remedy_description = forms.CharField(label="What will happen to put it right", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    remedy_amount = MoneyField(label="Amount in pounds (financial remedies only)", required=False)
    remedy_payment_method = forms.ChoiceField(label="How it will be paid (financial remedies only)", required=False, choices=[("", "Choose")] + PaymentMethod.choices)
    remedy_due_by = DateField(label="Remedy to be done by", required=False)
    action_description = forms.CharField(label="Outstanding action (optional): what still needs to be done", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action_due_by = DateField(label="Action due by", required=False)
    action_owner = forms.ModelChoiceField(label="Who will do it", queryset=User.objects.none(), required=False, empty_label="Me")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].initial = _today()
        self.fields["action_owner"].queryset = User.objects.filter(is_active=True, role__in=CASEWORK_ROLES).order_by("first_name", "username")
        stage = self.case.current_stage if self.case is not None else None
        self.definition = stage.definition if stage is not None else ""
        agreed = definition_points(self.definition)
        count = len(agreed) or 1
        if self.is_bound:
            try:
                count = max(1, min(MAX_POINTS, int(self.data.get("points") or count)))
            except ValueError:
                pass
            if "add_point" in self.data:
                count = min(MAX_POINTS, count + 1)
        self.point_count = count
        self.fields["points"].initial = count
        ordered = ["responded_on", "late_entry_reason"]
        for i in range(1, count + 1):
            self.fields[f"point_{i}"] = forms.CharField(
                label=f"Point {i} of the complaint", required=i == 1, widget=forms.Textarea(attrs={"rows": 2}),
                initial=agreed[i - 1] if i <= len(agreed) else "",
            )
            self.fields[f"decision_{i}"] = forms.ChoiceField(label=f"Decision on point {i}", choices=[("", "Choose")] + DECISIONS, required=i == 1)
            self.fields[f"reasons_{i}"] = forms.CharField(label=f"Reasons for the decision on point {i}", required=i == 1, widget=forms.Textarea(attrs={"rows": 3}))
            ordered += [f"point_{i}", f"decision_{i}", f"reasons_{i}"]
        self.order_fields(ordered)

    def _part(self, names) -> SimpleNamespace:
        # What includes/form_fields.html reads, for a few of the fields at a time.
        return SimpleNamespace(hidden_fields=[], visible_fields=[self[name] for name in names])

    def parts(self) -> dict:
        """The page's groups of fields: the date, each point, the remedy, the action."""
        return {
            "date": self._part(["responded_on", "late_entry_reason"]),
            "points": [(i, self._part([f"point_{i}", f"decision_{i}", f"reasons_{i}"])) for i in range(1, self.point_count + 1)],
            "remedy": self._part(["remedy_kind", "remedy_description", "remedy_amount", "remedy_payment_method", "remedy_due_by"]),
            "action": self._part(["action_description", "action_due_by", "action_owner"]),
        }

    def clean(self):
        data = super().clean()
        for i in range(2, self.point_count + 1):
            given = [data.get(f"{k}_{i}") for k in ("point", "decision", "reasons")]
            if any(given) and not all(given):
                self.add_error(f"point_{i}" if not given[0] else f"decision_{i}" if not given[1] else f"reasons_{i}",
                               f"Point {i}: give the point, the decision and the reasons, or leave all three empty")
        if data.get("remedy_kind") and not (data.get("remedy_description") or "").strip():
            self.add_error("remedy_description", "Say what will happen to put it right")
        if (data.get("remedy_description") or "").strip() and not data.get("remedy_kind"):
            self.add_error("remedy_kind", "Select the kind of remedy")
        if (data.get("action_description") or "").strip() and not data.get("action_due_by"):
            self.add_error("action_due_by", "Enter the date the action is due by")
        return data

    def full_clean(self):
        # "Add another point" shows the form again with one more block: nothing is checked yet.
        if self.is_bound and "add_point" in self.data:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def run(self) -> bool:
        if "add_point" in self.data:
            return False  # it saves nothing
        return super().run()

    @transaction.atomic
    def perform(self):
        d = self.cleaned_data
        points = [
            actions.PointDecision(d[f"point_{i}"], d[f"decision_{i}"], d[f"reasons_{i}"])
            for i in range(1, self.point_count + 1)
            if d.get(f"point_{i}")
        ]
        case = actions.respond(self.case, responded_on=d["responded_on"], points=points, late_entry_reason=d["late_entry_reason"], actor=self.user)
        if d.get("remedy_kind"):
            with self._fields_named("remedy_"):
                actions.add_remedy(
                    case, kind=d["remedy_kind"], description=d["remedy_description"], amount=d["remedy_amount"],
                    payment_method=d["remedy_payment_method"], due_by=d["remedy_due_by"], completed_on=None, actor=self.user,
                )
        if (d.get("action_description") or "").strip():
            with self._fields_named("action_"):
                actions.add_action(
                    case, description=d["action_description"], due_by=d["action_due_by"], owner=d["action_owner"] or self.user,
                    owner_name="", actor=self.user,
                )
        return case

    @contextmanager
    def _fields_named(self, prefix: str):
        """A refusal about a remedy's or action's field points at that field on this page."""
        try:
            yield
        except RuleViolation as error:
            if error.field and f"{prefix}{error.field}" in self.fields:
                error.field = f"{prefix}{error.field}"
            raise

"""Forms for Ombudsman cases and exceptional circumstances. Each calls one service function."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm, DateField, MoneyField
from putright.cases.models import Case
from putright.ombudsman import actions
from putright.ombudsman.models import FailureType, Finding, OrderKind
from putright.ombudsman.routing import BODY_LABELS, CATEGORY_LABELS, Body, Category

BODY_CHOICES = [("", "The one suggested for the category")] + [(b.value, BODY_LABELS[b]) for b in Body]
FINDING_CHOICES = [("", "Choose a finding")] + list(Finding.choices)
FINDING_ROWS = 6


def _today():
    return timezone.localdate()


def _cases(text: str) -> list[Case]:
    refs = [r.strip() for r in (text or "").replace(",", " ").split() if r.strip()]
    found = {c.reference: c for c in Case.objects.filter(reference__in=refs)}
    missing = [r for r in refs if r not in found]
    if missing:
        raise forms.ValidationError(f"No case has the reference {', '.join(missing)}")
    return [found[r] for r in refs]


class OmbudsmanCaseForm(ActionForm):
    title = "Add an Ombudsman case"
    submit = "Add Ombudsman case"
    guidance = [
        "The body is suggested from the category (Housing Ombudsman for housing matters; the Local Government and Social Care Ombudsman for a council's allocations, homelessness, housing advice, housing benefit and grants). You can choose another.",
    ]
    case_reference = forms.CharField(label="Our complaint reference", required=False, help_text="Leave empty if the Ombudsman came to us first.")
    category = forms.ChoiceField(label="What it is about", choices=[("", "Choose")] + [(c.value, CATEGORY_LABELS[c]) for c in Category])
    body = forms.ChoiceField(label="Which body", choices=BODY_CHOICES, required=False)
    body_name = forms.CharField(label="Name of the body, if another", required=False, help_text="For example, Care Quality Commission")
    their_reference = forms.CharField(label="Their reference", required=False)
    opened_on = DateField(label="Date the Ombudsman contacted us")
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = _today()
        if self.case is not None:
            self.fields["case_reference"].initial = self.case.reference

    def clean_case_reference(self):
        ref = self.cleaned_data["case_reference"].strip()
        if not ref:
            return None
        found = _cases(ref)
        return found[0]

    def perform(self):
        d = self.cleaned_data
        case = d["case_reference"]
        return actions.open_ombudsman_case(
            case=case, resident=case.resident if case else None, category=d["category"], body=d["body"] or None, body_name=d["body_name"],
            their_reference=d["their_reference"], opened_on=d["opened_on"], summary=d["summary"], actor=self.user,
        )


class ChangeBodyForm(ActionForm):
    title = "Change which body handles it"
    body = forms.ChoiceField(label="Which body", choices=[(b.value, BODY_LABELS[b]) for b in Body])
    body_name = forms.CharField(label="Name of the body, if another", required=False)
    their_reference = forms.CharField(label="Their reference", required=False)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        self.fields["body"].initial = oc.body
        self.fields["body_name"].initial = oc.body_name
        self.fields["their_reference"].initial = oc.their_reference

    def perform(self):
        d = self.cleaned_data
        return actions.change_body(self.oc, body=d["body"], body_name=d["body_name"], their_reference=d["their_reference"], reason=d["reason"], actor=self.user)


class InformationRequestForm(ActionForm):
    title = "Record an information request"
    guidance = ["Send the information by the Ombudsman's date: a delay can bring a Complaint Handling Failure Order (type 2)."]
    requested_on = DateField(label="Date the Ombudsman asked")
    due_by = DateField(label="Date it is due by")
    description = forms.CharField(label="What they asked for", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)

    def perform(self):
        d = self.cleaned_data
        return actions.add_information_request(self.oc, requested_on=d["requested_on"], due_by=d["due_by"], description=d["description"], actor=self.user)


class InformationSentForm(ActionForm):
    title = "Record information sent"
    request = forms.ChoiceField(label="Which request")
    sent_on = DateField(label="Date sent")
    bundle = forms.CharField(label="What was sent", help_text="The bundle's file name, or a note of what it held.", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        self.requests = {str(r.pk): r for r in oc.information_requests.filter(sent_on__isnull=True)}
        self.fields["request"].choices = [(k, f"Asked {r.requested_on:%-d %b %Y}, due {r.due_by:%-d %b %Y}") for k, r in self.requests.items()]
        self.fields["sent_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.record_information_sent(self.requests[d["request"]], sent_on=d["sent_on"], bundle=d["bundle"], actor=self.user)


class DeterminationForm(ActionForm):
    title = "Record the determination"
    guidance = ["One finding for each complaint issue the Ombudsman investigated. Add orders and recommendations next."]
    determined_on = DateField(label="Date of the determination")
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    code_non_compliance = forms.BooleanField(label="The Ombudsman found we did not comply with the Complaint Handling Code", required=False)

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        for i in range(1, FINDING_ROWS + 1):
            self.fields[f"issue_{i}"] = forms.CharField(label=f"Issue {i}", required=False)
            self.fields[f"finding_{i}"] = forms.ChoiceField(label=f"Finding on issue {i}", choices=FINDING_CHOICES, required=False)

    def clean(self):
        d = super().clean()
        for i in range(1, FINDING_ROWS + 1):
            issue, finding = (d.get(f"issue_{i}") or "").strip(), d.get(f"finding_{i}")
            if issue and not finding:
                self.add_error(f"finding_{i}", f"Select the finding on issue {i}")
            if finding and not issue:
                self.add_error(f"issue_{i}", f"Enter issue {i}")
        return d

    def perform(self):
        d = self.cleaned_data
        findings = [(d[f"issue_{i}"], d[f"finding_{i}"]) for i in range(1, FINDING_ROWS + 1) if d.get(f"issue_{i}") or d.get(f"finding_{i}")]
        try:
            return actions.record_determination(
                self.oc, determined_on=d["determined_on"], findings=findings, summary=d["summary"], code_non_compliance=d["code_non_compliance"], actor=self.user
            )
        except Exception as error:
            if getattr(error, "field", None) == "findings":
                error.field = "issue_1"
            raise


class OrderForm(ActionForm):
    title = "Add an order or recommendation"
    guidance = ["Orders bind us, carry a deadline and need evidence of compliance sent to the Ombudsman; recommendations do not bind."]
    kind = forms.ChoiceField(label="Order or recommendation", choices=OrderKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="What it says", widget=forms.Textarea(attrs={"rows": 3}))
    due_by = DateField(label="Due by", required=False, help_text="Needed for an order.")
    compensation_ordered = MoneyField(label="Compensation ordered, in pounds", required=False, min_value=0)

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)

    def perform(self):
        d = self.cleaned_data
        return actions.add_order(
            self.oc, kind=d["kind"], text=d["text"], due_by=d["due_by"], compensation_ordered=d["compensation_ordered"], actor=self.user
        )


class ComplianceForm(ActionForm):
    title = "Record compliance"
    order = forms.ChoiceField(label="Which order or recommendation")
    complied_on = DateField(label="Date complied with")
    evidence = forms.CharField(label="Evidence of compliance sent to the Ombudsman", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        self.orders = {str(o.pk): o for o in oc.orders.filter(complied_on__isnull=True)}
        self.fields["order"].choices = [
            (k, f"{o.get_kind_display()}: {o.text[:60]}{f' (due {o.due_by:%-d %b %Y})' if o.due_by else ''}") for k, o in self.orders.items()
        ]
        self.fields["complied_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.record_compliance(self.orders[d["order"]], complied_on=d["complied_on"], evidence=d["evidence"], actor=self.user)


class FailureOrderForm(ActionForm):
    title = "Record a Complaint Handling Failure Order"
    guidance = [
        "The Housing Ombudsman issues these when a landlord fails to progress a complaint, fails to give it "
        "information it asked for, or fails to comply with the Complaint Handling Code. Each must be complied "
        "with by its date, and the annual report counts them (Code 8.1 c).",
    ]
    failure = forms.ChoiceField(label="What the order is for", choices=FailureType.choices, widget=forms.RadioSelect)
    issued_on = DateField(label="Date issued")
    their_reference = forms.CharField(label="The Ombudsman's reference (optional)", required=False, max_length=60)
    text = forms.CharField(label="What the order says we must do", widget=forms.Textarea(attrs={"rows": 3}))
    due_by = DateField(label="Must be complied with by")

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)

    def perform(self):
        d = self.cleaned_data
        return actions.add_failure_order(self.oc, failure=d["failure"], issued_on=d["issued_on"], text=d["text"],
                                         due_by=d["due_by"], their_reference=d["their_reference"], actor=self.user)


class FailureOrderComplianceForm(ActionForm):
    title = "Record compliance with a Complaint Handling Failure Order"
    order = forms.ChoiceField(label="Which order")
    complied_on = DateField(label="Date complied with")
    evidence = forms.CharField(label="Evidence of compliance sent to the Ombudsman", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        self.orders = {str(o.pk): o for o in oc.failure_orders.filter(complied_on__isnull=True)}
        self.fields["order"].choices = [(k, f"{o.get_failure_display()} (due {o.due_by:%-d %b %Y})") for k, o in self.orders.items()]
        self.fields["complied_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.record_failure_order_compliance(self.orders[d["order"]], complied_on=d["complied_on"],
                                                       evidence=d["evidence"], actor=self.user)


class CloseForm(ActionForm):
    title = "Close the Ombudsman case"
    closed_on = DateField(label="Date closed")

    def __init__(self, *args, oc=None, **kwargs):
        self.oc = oc
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = _today()

    def perform(self):
        return actions.close_ombudsman_case(self.oc, closed_on=self.cleaned_data["closed_on"], actor=self.user)


class ExceptionalCircumstanceForm(ActionForm):
    title = "Record exceptional circumstances"
    guidance = [
        "When exceptional circumstances (for example a cyber incident) stop you meeting the Code, tell the Ombudsman and the residents affected, publish it, and give a timescale for returning to compliance (Code 8.5).",
    ]
    title_text = forms.CharField(label="Title", help_text="For example, Cyber incident")
    description = forms.CharField(label="What happened and how complaint handling is affected", widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = DateField(label="Date it started")
    compliance_returns_by = DateField(label="Date compliance will return by")
    ends_on = DateField(label="Date compliance returned", required=False)
    residents_told_on = DateField(label="Date residents were told", required=False)
    ombudsman_told_on = DateField(label="Date the Ombudsman was told", required=False)
    published_on = DateField(label="Date published on the website", required=False)
    affected = forms.CharField(label="Affected cases", required=False, help_text="Case references, separated by spaces or commas.", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ec=None, **kwargs):
        self.ec = ec
        super().__init__(*args, **kwargs)
        if ec is not None:
            self.title = "Update exceptional circumstances"
            self.fields["title_text"].disabled = True
            self.fields["title_text"].required = False
            self.fields["starts_on"].disabled = True
            self.fields["starts_on"].required = False
            for name in ("title_text", "description", "starts_on", "compliance_returns_by", "ends_on", "residents_told_on", "ombudsman_told_on", "published_on"):
                self.fields[name].initial = getattr(ec, "title" if name == "title_text" else name)
            self.fields["affected"].label = "More affected cases"

    def clean_affected(self):
        return _cases(self.cleaned_data["affected"])

    def perform(self):
        d = self.cleaned_data
        if self.ec is not None:
            return actions.update_exceptional_circumstance(
                self.ec, description=d["description"], compliance_returns_by=d["compliance_returns_by"], ends_on=d["ends_on"],
                residents_told_on=d["residents_told_on"], ombudsman_told_on=d["ombudsman_told_on"], published_on=d["published_on"],
                add_cases=d["affected"], actor=self.user,
            )
        return actions.record_exceptional_circumstance(
            title=d["title_text"], description=d["description"], starts_on=d["starts_on"], compliance_returns_by=d["compliance_returns_by"],
            ends_on=d["ends_on"], residents_told_on=d["residents_told_on"], ombudsman_told_on=d["ombudsman_told_on"], published_on=d["published_on"],
            affected_cases=d["affected"], actor=self.user,
        )

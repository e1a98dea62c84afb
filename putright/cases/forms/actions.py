"""One form per step on a case. Each asks only what the step needs, says what the Code requires
at that step, and calls the service function; the service decides."""

from __future__ import annotations


from django import forms
from django.utils import timezone

from putright.protect import uploads
from putright.rules.errors import RuleViolation
from putright.accounts.models import CASEWORK_ROLES, User
from putright.cases import actions
from putright.cases.forms.base import ActionForm, DateField, MoneyField
from putright.cases.models import Channel, Direction, OutstandingAction, PaymentMethod, Remedy, RemedyKind
from putright.residents.models import ContactChannel
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Decision

DECISIONS = [(Decision.UPHELD.value, "Upheld"), (Decision.PARTLY_UPHELD.value, "Partly upheld"), (Decision.NOT_UPHELD.value, "Not upheld")]


def _handlers():
    return User.objects.filter(is_active=True, role__in=CASEWORK_ROLES).order_by("first_name", "username")


def _today():
    return timezone.localdate()


def late_entry_field():
    """Asked on every step that stops or moves a clock: the rule is putright.rules.recording."""
    return forms.CharField(
        label="Why this is being recorded late (only if it is)",
        help_text=(
            "Needed when the deadline has passed and the date above is before it: PutRight keeps the step, "
            "counts it as late in the reports and lists it for the complaints manager."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcknowledgeForm(ActionForm):
    title = "Define and acknowledge"
    submit = "Acknowledge"
    guidance = [
        "Set out your understanding of the complaint and the outcomes the resident wants; check anything unclear with them (Code 5.6).",
        "Say which aspects you are responsible for, and which you are not and who is (5.7).",
        "Acknowledge within 5 working days of receiving the complaint or the stage 2 request (6.2, 6.11). The response date then runs from the acknowledgement.",
        "At stage 2 nobody who acted on stage 1 may handle or acknowledge it (6.13).",
    ]
    acknowledged_on = DateField(label="Date acknowledged", help_text="For example, 27 3 2026")
    definition = forms.CharField(label="What the resident is unhappy about", widget=forms.Textarea(attrs={"rows": 5}))
    outcomes_sought = forms.CharField(label="The outcomes the resident wants", widget=forms.Textarea(attrs={"rows": 3}))
    responsible_for = forms.CharField(label="What we are responsible for", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    not_responsible_for = forms.CharField(label="What we are not responsible for, and who is", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    handler = forms.ModelChoiceField(label="Handler", queryset=User.objects.none(), required=False, empty_label="Me")
    late_entry_reason = late_entry_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _handlers()
        self.fields["acknowledged_on"].initial = _today()
        # Start from what is already recorded: issues added before acknowledgement (6.8) are in it.
        stage = self.case.current_stage if self.case is not None else None
        if stage is not None:
            self.fields["definition"].initial = stage.definition
            self.fields["outcomes_sought"].initial = stage.outcomes_sought

    def perform(self):
        d = self.cleaned_data
        return actions.acknowledge(
            self.case, acknowledged_on=d["acknowledged_on"], definition=d["definition"], outcomes_sought=d["outcomes_sought"],
            responsible_for=d["responsible_for"], not_responsible_for=d["not_responsible_for"],
            handler=d["handler"] or self.user, late_entry_reason=d["late_entry_reason"], actor=self.user,
        )


class ExtendForm(ActionForm):
    title = "Extend the response date"
    submit = "Extend"
    guidance = [
        "Tell the resident the reason and the new date, with the Housing Ombudsman's contact details (Code 6.5, 6.16): the extension's letter, drafted next, says all three. The extension counts once that letter is issued, on or before the current response date.",
        "An extension may be at most 10 working days at stage 1 and 20 at stage 2 beyond the Code's date, unless you record a good reason (6.4, 6.15).",
        "Agree with the resident how often you will update them (5.9). Waiting for the resident is an extension too: the Code has no pause.",
        "An extension is agreed before the response date passes. One recorded afterwards is kept only with the reason, and the response then counts as late.",
    ]
    new_respond_by = DateField(label="New response date")
    reason = forms.CharField(label="The reason, as explained to the resident", widget=forms.Textarea(attrs={"rows": 3}))
    resident_told_on = DateField(label="Date the resident was told")
    update_every_working_days = forms.IntegerField(label="Update the resident every (working days)", min_value=1, max_value=60)
    update_every_working_days.required_message = "Enter how often, in working days, the resident will be updated"
    good_reason = forms.CharField(
        label="Good reason for going beyond the Code's limit (only if you are)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    late_entry_reason = late_entry_field()

    def perform(self):
        d = self.cleaned_data
        return actions.extend(
            self.case, new_respond_by=d["new_respond_by"], reason=d["reason"], resident_told_on=d["resident_told_on"],
            update_every_working_days=d["update_every_working_days"],
            good_reason=d["good_reason"], late_entry_reason=d["late_entry_reason"], actor=self.user,
        )


class RequestStageTwoForm(ActionForm):
    title = "Record a request for stage 2"
    submit = "Escalate to stage 2"
    guidance = [
        "The resident does not have to explain why; make reasonable efforts to understand why they are still unhappy (Code 6.12).",
        "Acknowledge within 5 working days of the request (6.11), with a handler who did not handle stage 1 (6.13).",
    ]
    requested_on = DateField(label="Date the resident asked")
    reason = forms.CharField(label="Why the resident is still unhappy (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.request_stage_two(self.case, requested_on=d["requested_on"], reason=d["reason"], actor=self.user)


class RefuseForm(ActionForm):
    title = "Refuse"
    submit = "Refuse"
    guidance = [
        "Accept every complaint unless there is a valid reason not to, decided case by case (Code 2.1, 2.5). The same applies to refusing to escalate (5.11).",
        "The reasons the Code allows: the issue arose more than 12 months ago (consider discretion for older issues, 2.3); legal proceedings have started; it was already considered under the complaints policy (2.2).",
        "Explain the decision to the resident and tell them they can take it to the Housing Ombudsman (2.4).",
        "The 12 months run from the issue, or from when the resident became aware of it if later, to the day the complaint was made, not the escalation (2.3). Residents need not give a reason to escalate (6.12).",
    ]
    conditional = {"reason": {
        RefusalReason.OVER_12_MONTHS.value: ["issue_arose_on", "became_aware_on", "discretion_decision"],
        RefusalReason.LEGAL_PROCEEDINGS.value: ["proceedings_started_on"],
        RefusalReason.PREVIOUSLY_CONSIDERED.value: ["previous_case_reference"],
        RefusalReason.OTHER.value: ["about"],
    }}
    refused_on = DateField(label="Date of the decision")
    reason = forms.ChoiceField(label="Reason", choices=[(r.value, REFUSAL_REASON_LABELS[r]) for r in RefusalReason], widget=forms.RadioSelect)
    explanation = forms.CharField(label="The explanation given to the resident", widget=forms.Textarea(attrs={"rows": 4}))
    ombudsman_rights_given = forms.BooleanField(label="The resident was told they can take this decision to the Housing Ombudsman", required=False)
    issue_arose_on = DateField(label="When the issue arose", required=False)
    became_aware_on = DateField(label="When the resident became aware of it, if later", required=False)
    discretion_decision = forms.CharField(label="Why discretion to accept an older issue was not used", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                          help_text="The Code asks you to consider accepting a complaint made after 12 months where there are good reasons (2.3).")
    proceedings_started_on = DateField(label="Date legal proceedings started", required=False,
                                       help_text="When the claim (the Claim Form and Particulars of Claim) was filed at court (2.2).")
    previous_case_reference = forms.CharField(label="Reference of the earlier complaint", required=False)
    about = forms.CharField(label="What the complaint is about", required=False,
                            help_text="Refusals for another reason are listed by what they were about in the annual report.")
    late_entry_reason = late_entry_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refused_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.refuse(
            self.case, refused_on=d["refused_on"], reason=d["reason"], explanation=d["explanation"],
            ombudsman_rights_given=d["ombudsman_rights_given"], issue_arose_on=d["issue_arose_on"],
            discretion_decision=d["discretion_decision"], proceedings_started_on=d["proceedings_started_on"],
            previous_case_reference=d["previous_case_reference"], became_aware_on=d["became_aware_on"], about=d["about"],
            late_entry_reason=d["late_entry_reason"], actor=self.user,
        )


class AddRemedyForm(ActionForm):
    title = "Add a remedy"
    submit = "Add remedy"
    guidance = [
        "Put things right in the ways the Code lists (7.1), reflecting the impact on the resident (7.2).",
        "Say what will happen and by when, agreed with the resident where appropriate, and follow it through (7.3). Remedies can be offered at any stage (5.13).",
    ]
    kind = forms.ChoiceField(label="Kind of remedy", choices=RemedyKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="What will happen", widget=forms.Textarea(attrs={"rows": 3}))
    amount = MoneyField(label="Amount in pounds (financial remedies only)", required=False)
    payment_method = forms.ChoiceField(label="How it will be paid (financial remedies only)", required=False, choices=[("", "Choose")] + PaymentMethod.choices)
    due_by = DateField(label="To be done by", required=False)
    completed_on = DateField(label="Or, date already done", required=False)

    def perform(self):
        d = self.cleaned_data
        return actions.add_remedy(
            self.case, kind=d["kind"], description=d["description"], amount=d["amount"], payment_method=d["payment_method"],
            due_by=d["due_by"], completed_on=d["completed_on"], actor=self.user,
        )


class CompleteRemedyForm(ActionForm):
    title = "Complete a remedy"
    submit = "Mark as done"
    remedy = forms.ModelChoiceField(label="Remedy", queryset=Remedy.objects.none(), widget=forms.RadioSelect)
    completed_on = DateField(label="Date done")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy"].queryset = Remedy.objects.filter(case=self.case, completed_on__isnull=True)
        self.fields["remedy"].label_from_instance = lambda r: f"{r.get_kind_display()}: {r.description}" + (f" (due {r.due_by:%-d %b %Y})" if r.due_by else "")
        self.fields["completed_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.complete_remedy(d["remedy"], completed_on=d["completed_on"], actor=self.user)


class AddActionForm(ActionForm):
    title = "Add an outstanding action"
    submit = "Add action"
    guidance = ["Work still to do after the response is tracked, done promptly, and the resident kept updated (Code 6.6, 6.17)."]
    description = forms.CharField(label="What needs to be done", widget=forms.Textarea(attrs={"rows": 3}))
    due_by = DateField(label="Due by")
    due_by.required_message = "Enter the date it is due by"
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), required=False, empty_label="A team or contractor (name it below)")
    owner_name = forms.CharField(label="Team or contractor", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _handlers()

    def perform(self):
        d = self.cleaned_data
        return actions.add_action(self.case, description=d["description"], due_by=d["due_by"], owner=d["owner"], owner_name=d["owner_name"], actor=self.user)


class CompleteActionForm(ActionForm):
    title = "Update or complete an action"
    submit = "Save"
    action = forms.ModelChoiceField(label="Action", queryset=OutstandingAction.objects.none(), widget=forms.RadioSelect)
    given_on = DateField(label="Date")
    note = forms.CharField(label="What the resident was told", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    completed = forms.BooleanField(label="The action is complete", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = OutstandingAction.objects.filter(case=self.case, completed_on__isnull=True)
        self.fields["action"].label_from_instance = lambda a: f"{a.description} (due {a.due_by:%-d %b %Y})"
        self.fields["given_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        if d["completed"]:
            return actions.complete_action(d["action"], completed_on=d["given_on"], note=d["note"], actor=self.user)
        return actions.update_action(d["action"], given_on=d["given_on"], note=d["note"], actor=self.user)


class CorrespondenceForm(ActionForm):
    title = "Add correspondence or a note"
    submit = "Add to the record"
    guidance = ["Keep all correspondence with the resident and with others on the record, with supporting documents (Code 5.12). Internal notes are never shown to the resident."]
    direction = forms.ChoiceField(label="What is it?", choices=Direction.choices, widget=forms.RadioSelect)
    direction.required_message = "Select whether it was received, sent or is an internal note"
    occurred_on = DateField(label="Date")
    method = forms.ChoiceField(label="How", choices=[("", "Not applicable")] + ContactChannel.choices, required=False)
    correspondent = forms.CharField(label="From or to", required=False)
    subject = forms.CharField(label="Subject", required=False)
    body = forms.CharField(label="Text or summary", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label="Attach a file (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        files = []
        if d.get("attachment"):
            upload = d["attachment"]
            try:  # checked by content, renamed safely (putright/protect/uploads.py)
                name, content_type = uploads.check(upload)
            except uploads.Refused:
                raise RuleViolation(f"{upload.name} cannot be attached: its content is not a PDF, JPEG, PNG, HEIC, Word, text, email, MP3 or MP4 file.", field="attachment")
            files.append(actions.NewFile(name, content_type, upload.read()))
        return actions.add_correspondence(
            self.case, direction=d["direction"], occurred_on=d["occurred_on"], method=d["method"], correspondent=d["correspondent"],
            subject=d["subject"], body=d["body"], files=files, actor=self.user,
        )


class WithdrawForm(ActionForm):
    title = "Withdraw"
    submit = "Withdraw"
    withdrawn_on = DateField(label="Date withdrawn")
    reason = forms.CharField(label="What the resident said", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        d = self.cleaned_data
        return actions.withdraw(self.case, withdrawn_on=d["withdrawn_on"], reason=d["reason"], actor=self.user)


class CloseForm(ActionForm):
    title = "Close"
    submit = "Close"
    guidance = ["Outstanding actions and remedies stay on your list after closing until they are done (Code 6.6, 7.3)."]
    closed_on = DateField(label="Date closed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = _today()

    def perform(self):
        return actions.close(self.case, closed_on=self.cleaned_data["closed_on"], actor=self.user)


class ReopenForm(ActionForm):
    title = "Reopen"
    submit = "Reopen"
    reason = forms.CharField(label="Why it is being reopened", widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return actions.reopen(self.case, reason=self.cleaned_data["reason"], actor=self.user)


class AllocateForm(ActionForm):
    title = "Allocate to a handler"
    submit = "Allocate"
    guidance = ["At stage 2 the handler must not be the person who handled stage 1 (Code 6.13)."]
    handler = forms.ModelChoiceField(label="Handler", queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = _handlers()

    def perform(self):
        return actions.allocate(self.case, handler=self.cleaned_data["handler"], actor=self.user)


class RelatedIssueForm(ActionForm):
    title = "Add a new issue"
    submit = "Add issue"
    guidance = [
        "If it is related and the stage 1 response has not been sent, it is added to this complaint.",
        "If the response has been sent, it is unrelated, or adding it would unreasonably delay the response, it is logged as a new complaint linked to this one (Code 6.8).",
    ]
    description = forms.CharField(label="The new issue, in the resident's words", widget=forms.Textarea(attrs={"rows": 4}))
    raised_on = DateField(label="Date raised")
    related = forms.ChoiceField(
        label="Is it related to this complaint?",
        choices=[("yes", "Yes: add it to this complaint if the response has not been sent"), ("no", "No, or it would delay the response: log a new complaint")],
        widget=forms.RadioSelect,
    )
    related.required_message = "Select whether the new issue is related to this complaint"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.add_related_issue(self.case, description=d["description"], raised_on=d["raised_on"], related=d["related"] == "yes", actor=self.user)


class ConvertForm(ActionForm):
    title = "Raise a complaint about this request"
    submit = "Raise complaint"
    guidance = ["The resident is unhappy with how the request is being handled: a complaint is raised, and the request carries on (Code 1.5)."]
    received_on = DateField(label="Date the resident expressed dissatisfaction")
    description = forms.CharField(label="What the resident said, in their own words", widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label="How", choices=Channel.choices)
    channel.required_message = "Select how the resident told us"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.convert_to_complaint(self.case, received_on=d["received_on"], description=d["description"], channel=d["channel"], actor=self.user)


class SentAnotherWayForm(ActionForm):
    title = "Record a response, extension or refusal sent another way"
    submit = "Record what was sent"
    guidance = [
        "A response, an extension or a refusal counts as sent only when its letter is issued from PutRight, or when "
        "what was sent another way (an email from your own mailbox, a letter from another system, a phone call) "
        "is recorded here with its text.",
        "Until then the case shows \"response recorded, letter not sent\", the resident is not told it was sent, "
        "and the response counts as late in the reports.",
        "It is kept as outgoing correspondence, so the record shows exactly what the resident was sent (5.12).",
        "An extension or a refusal must have given the Housing Ombudsman's details (6.5, 6.16, 2.4).",
    ]
    step = forms.ChoiceField(label="What was sent", choices=[("response", "The response"), ("extension", "The extension"), ("refusal", "The refusal")])
    sent_on = DateField(label="Date it was sent")
    method = forms.ChoiceField(label="How it was sent", choices=ContactChannel.choices)
    text = forms.CharField(label="What was sent (the full text, or what was said)", widget=forms.Textarea(attrs={"rows": 8}))
    text.required_message = "Enter the text that was sent, or what was said"
    late_entry_reason = late_entry_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = _today()

    def perform(self):
        d = self.cleaned_data
        return actions.send_another_way(
            self.case, step=d["step"], sent_on=d["sent_on"], method=d["method"], text=d["text"],
            late_entry_reason=d["late_entry_reason"], actor=self.user,
        )

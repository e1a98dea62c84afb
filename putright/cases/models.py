"""The case record: complaints, service requests and compliments, their stages and what follows.

Models hold data and small derived properties only. Every change to a case goes through
`putright.cases.actions`, which checks the Code's rules and writes a timeline event in the same
transaction (Code 5.12: a full record of each complaint).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from putright.residents.models import ContactChannel, Representative, Resident, Tenure
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Decision, Kind, State

# --- reference data, edited by an administrator -------------------------------------------------


class LandlordSettings(models.Model):
    """The landlord running this PutRight (one row)."""

    name = models.CharField(max_length=200, default="Our landlord")
    is_council = models.BooleanField(
        default=False, help_text="Councils answer to the Local Government and Social Care Ombudsman too."
    )
    complaints_email = models.EmailField(blank=True)
    complaints_phone = models.CharField(max_length=40, blank=True)
    housing_ombudsman_contact = models.TextField(
        default=(
            "Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET. "
            "Telephone 0300 111 3000. Email info@housing-ombudsman.org.uk. "
            "Website www.housing-ombudsman.org.uk"
        )
    )
    lgsco_contact = models.TextField(
        blank=True,
        default=(
            "Local Government and Social Care Ombudsman, PO Box 4771, Coventry, CV4 0EH. "
            "Telephone 0300 061 0614. Website www.lgo.org.uk"
        ),
    )

    class Meta:
        verbose_name = "landlord settings"
        verbose_name_plural = "landlord settings"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> LandlordSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ServiceArea(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A day the landlord's offices are closed, which does not count as a working day.

    Recorded before it happens (a day already here or past is refused: otherwise adding days
    after the fact could turn a late step into an on-time one), and no more than
    ``MAX_PER_YEAR`` in a calendar year. After adding or removing one, run
    `putright recompute_deadlines` so open cases follow; a deadline that has passed never moves.
    """

    MAX_PER_YEAR = 10

    day = models.DateField(unique=True)
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["day"]

    def clean(self):
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        if self.day is None:
            return
        if self.day <= today and (self._state.adding or ClosureDay.objects.get(pk=self.pk).day != self.day):
            raise ValidationError({"day": (
                f"A closure day must be recorded before it happens: {self.day:%-d %B %Y} is not after today "
                f"({today:%-d %B %Y}). Deadlines already set cannot be moved by closing the office after the fact."
            )})
        same_year = ClosureDay.objects.filter(day__year=self.day.year).exclude(pk=self.pk).count()
        if same_year >= self.MAX_PER_YEAR:
            raise ValidationError({"day": (
                f"{self.day.year} already has {same_year} closure days, the most PutRight allows in a year: "
                "longer closures would move residents' deadlines by weeks."
            )})

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y} {self.label}".strip()


class HomesOwned(models.Model):
    """Homes owned in the reporting year starting 1 April of `year` (for complaints per 1,000 homes)."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="2024 means 1 April 2024 to 31 March 2025.")
    lcra = models.PositiveIntegerField("low cost rental homes", default=0)
    lcho = models.PositiveIntegerField("low cost home ownership homes", default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name_plural = "homes owned"

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


class ReferenceCounter(models.Model):
    """The last number issued for a year, so references are short, sequential and never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


# --- the case -----------------------------------------------------------------------------------


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online form"
    SOCIAL_MEDIA = "social_media", "Social media"
    REPRESENTATIVE = "representative", "Via a representative"
    COLLEAGUE = "colleague", "Via a colleague"
    OTHER = "other", "Other"


class Case(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=[(k.value, k.value.replace("_", " ").capitalize()) for k in Kind])
    state = models.CharField(max_length=30, choices=[(s.value, s.value.replace("_", " ")) for s in State])
    # Where a case goes back to if it is reopened after being closed, withdrawn or refused.
    previous_state = models.CharField(max_length=30, blank=True)
    # Denormalised for the queue: kept in step by every action.
    is_open = models.BooleanField(default=True)
    next_deadline_by = models.DateField(null=True, blank=True)

    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.OTHER)
    received_on = models.DateField(db_index=True)
    received_by = models.CharField(max_length=200, blank=True, help_text="The colleague who took it (3.2).")
    description = models.TextField(help_text="What the resident said, in their own words.")
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The resident's name, copied for the queue's "sort by resident": an index of open cases gives
    # that order (performance migration 0005) where a join sorted every open case. Kept by database
    # triggers (putright.performance.copies), whatever changes a case or renames a resident: never
    # set it here.
    resident_name = models.CharField(max_length=200, null=True, blank=True, editable=False)
    # True while a stage of the case awaits its response by a date an agreed extension moved (the
    # queue's "Extended" filter and tag), otherwise empty: read from an index of open extended
    # cases in the queue's order (performance migration 0007). Kept by database triggers
    # (putright.performance.copies) whatever changes a stage: never set it here.
    extended_open = models.BooleanField(null=True, editable=False)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT)
    tenure = models.CharField(max_length=4, choices=Tenure.choices, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="cases", through="CaseTheme")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # Code 1.5: a complaint raised about a service request, which carries on.
    # Both are empty on nearly every case: indexed only where set (see Meta.indexes).
    from_service_request = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints_raised", db_index=False
    )
    # Code 6.8: a new complaint logged for an issue raised during another.
    related_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="linked", db_index=False
    )

    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The day retention or an erasure anonymised the case (privacy.AnonymisedCase is the record):
    # set in the same transaction, only by putright.privacy.anonymise. It lets an index hold just the
    # ended cases retention still has to look at, not the hundreds of thousands already done.
    anonymised_on = models.DateField(null=True, blank=True, editable=False)
    imported = models.BooleanField(default=False, help_text="Brought in from another system's history.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What triage (putright.triage) makes of a service request's description: whether it reads as
    # dissatisfaction (Code 1.5), and the resident's words that carried it. Worked out once, when
    # the request is logged (putright.triage.stored), not on every view of the queue; None until
    # then (requests imported closed: the worker's triage_backfill job).
    reads_as_complaint = models.BooleanField(null=True, blank=True, editable=False)
    complaint_words = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The queue: open cases by next deadline.
            models.Index(fields=["next_deadline_by"], condition=Q(is_open=True), name="case_open_deadline"),
            # The queue filtered by handler ("only my cases"), kind, stage or state, and service
            # area: small indexes of open cases only. Without them each filter reads every case
            # of that handler, kind or area ever recorded to find the open ones (1.7 s, 2.5 s and
            # 0.2 s on SQLite with a million cases: benchmarks/queue.py).
            models.Index(fields=["handler", "next_deadline_by"], condition=Q(is_open=True), name="case_open_handler_deadline"),
            models.Index(fields=["kind", "next_deadline_by"], condition=Q(is_open=True), name="case_open_kind_deadline"),
            models.Index(fields=["state", "next_deadline_by"], condition=Q(is_open=True), name="case_open_state_deadline"),
            models.Index(fields=["service_area", "next_deadline_by"], condition=Q(is_open=True), name="case_open_area_deadline"),
            models.Index(fields=["kind", "received_on"], name="case_kind_received"),
            # The case page's "complaints raised from this request" and "linked complaints": indexes
            # of the few cases where these are set. A plain index of a column empty on nearly every
            # row misleads a planner with statistics (ANALYZE): SQLite read "every row has the same
            # value" and walked all million cases for each lookup (4.4 s a case page).
            models.Index(fields=["from_service_request"], condition=Q(from_service_request__isnull=False), name="case_from_request"),
            models.Index(fields=["related_to"], condition=Q(related_to__isnull=False), name="case_related_to"),
            # Retention (putright.privacy.due): ended cases not anonymised yet, by kind and age. Without
            # it each page of due cases first reads every case already anonymised (5 s a page).
            models.Index(fields=["kind", "received_on"], condition=Q(is_open=False, anonymised_on__isnull=True), name="case_ended_not_anonymised"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT

    def stage(self, number: int) -> Stage | None:
        for stage in self.stages.all():
            if stage.number == number:
                return stage
        return None

    @property
    def current_stage(self) -> Stage | None:
        stages = sorted(self.stages.all(), key=lambda s: s.number)
        return stages[-1] if stages else None

    @property
    def latest_refusal(self) -> Refusal | None:
        refusals = sorted(self.refusals.all(), key=lambda r: (r.refused_on, r.id))
        return refusals[-1] if refusals else None


class CaseTheme(models.Model):
    """A theme of a case (``Case.themes``; the table Django made for it at first).

    The case's kind and received date are copied onto each row: neither changes once a case is
    logged, and with them the year's themes are counted from this table's own index (reports
    migration 0003), not by visiting every complaint received. Set them with
    ``case.themes.set(themes, through_defaults=CaseTheme.defaults_for(case))``.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    received_on = models.DateField()
    # True while the case is open, otherwise empty: the queue's theme filter reads the theme's
    # open cases from an index of these rows (performance migration 0008), not every case the
    # theme was ever given to. Kept by database triggers (putright.performance.copies): never set it.
    case_open = models.BooleanField(null=True, editable=False)

    class Meta:
        db_table = "cases_case_themes"
        unique_together = [("case", "theme")]

    @staticmethod
    def defaults_for(case: Case) -> dict:
        return {"kind": case.kind, "received_on": case.received_on}


class Stage(models.Model):
    """One of the Code's two stages of a complaint, with its clock (Code 6.2–6.19)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(choices=[(1, "Stage 1"), (2, "Stage 2")])
    # Stage 1: the date the complaint was received. Stage 2: the date escalation was asked for.
    requested_on = models.DateField()
    escalation_reason = models.TextField(blank=True, help_text="Optional: residents need not give reasons (6.12).")
    # The complaint definition (5.6) and responsibility (5.7), set at acknowledgement.
    definition = models.TextField(blank=True, help_text="What the resident is unhappy about.")
    outcomes_sought = models.TextField(blank=True)
    responsible_for = models.TextField(blank=True, help_text="Aspects the landlord is responsible for (5.7).")
    not_responsible_for = models.TextField(blank=True, help_text="Aspects it is not, and who is (5.7).")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="stages"
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledge_by = models.DateField()
    # The Code's date before any extension (projected from acknowledge_by until acknowledged) and
    # the date that applies now, after agreed extensions.
    code_respond_by = models.DateField()
    respond_by = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, blank=True, choices=[(d.value, d.value.replace("_", " ")) for d in Decision])
    # For the reports' "open at the end of the period": the day the stage stopped awaiting a
    # response (see ended_on_for). Kept in step by the actions that change what it is made of.
    ended_on = models.DateField(null=True, blank=True)
    # When the acknowledgement and the response were written into PutRight, beside the dates
    # typed in (putright.rules.recording), and whether either counts as late in the reports
    # because it was a late entry: recorded after its deadline, claiming to have met it.
    acknowledged_recorded_at = models.DateTimeField(null=True, blank=True)
    responded_recorded_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_counts_late = models.BooleanField(default=False)
    # Whether the response counts as late in the reports whatever its date says: it was a late
    # entry (``response_entered_late``: recorded after its deadline, or answering a deadline
    # extended after it had passed), it has not been issued, or it was issued after the last
    # date an extension issued in time allowed (checks.refresh_response_counts_late).
    response_counts_late = models.BooleanField(default=False)
    response_entered_late = models.BooleanField(default=False)
    # The day the response was issued to the resident: its letter through letters:issue, or a
    # recorded equivalent sent another way with its text (actions.issuing). Until then the
    # response is recorded, not sent. Imported history counts as issued on its response date.
    response_issued_on = models.DateField(null=True, blank=True)
    # When the resident is next owed an update under the interval agreed with the latest
    # extension (5.9, 6.6), while the stage awaits its response: kept by the service functions
    # (checks.refresh_next_update) so the queue counts it in SQL (putright.cases.worklists).
    next_update_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_stage_per_number")]
        indexes = [
            # The queue's "extended" filter: the few stages extended and not answered yet.
            # responded_on first, so SQLite prefers it to an index on responded_on alone.
            models.Index(
                fields=["responded_on", "case"],
                condition=Q(responded_on__isnull=True) & ~Q(respond_by=models.F("code_respond_by")),
                name="stage_open_extended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} stage {self.number}"

    @property
    def is_extended(self) -> bool:
        return self.respond_by != self.code_respond_by

    @property
    def acknowledged_late(self) -> bool:
        return self.acknowledged_on is not None and self.acknowledged_on > self.acknowledge_by

    @property
    def responded_late(self) -> bool:
        """Late against the date that applies, agreed extensions included."""
        return self.responded_on is not None and self.responded_on > self.respond_by

    @staticmethod
    def ended_on_for(
        *, responded_on: dt.date | None, withdrawn_on: dt.date | None, refused_on: dt.date | None, acknowledged_on: dt.date | None
    ) -> dt.date | None:
        """The first day the stage no longer awaited a response: its response, the case's
        withdrawal or, for a stage never acknowledged, its first refusal (a refused complaint
        reopened and then acknowledged was accepted after all). None while it still awaits one."""
        ends = [responded_on, withdrawn_on, refused_on if acknowledged_on is None else None]
        return min((day for day in ends if day is not None), default=None)


class DecisionPoint(models.Model):
    """One point of the complaint definition, the decision on it and the reasons (6.7, 6.9 c–d)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField(default=0)
    point = models.TextField()
    decision = models.CharField(max_length=20, choices=[(d.value, d.value.replace("_", " ")) for d in Decision])
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["stage", "position", "id"]


class Extension(models.Model):
    """An extension of a stage's response date, agreed and explained to the resident (6.4, 6.5, 6.15, 6.16, 5.9).

    Waiting for the resident is recorded as an extension too: the Code has no way to pause the clock.
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions")
    previous_respond_by = models.DateField()
    new_respond_by = models.DateField()
    reason = models.TextField(help_text="The reason, as explained to the resident.")
    good_reason = models.TextField(blank=True, help_text="Why more than the Code's limit is needed, if it is.")
    beyond_code_limit = models.BooleanField(default=False)
    resident_told_on = models.DateField(null=True, blank=True)
    ombudsman_details_given = models.BooleanField(default=False)
    update_every_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often the resident agreed to be updated (5.9)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)  # when it was recorded
    # Recorded after the date it extends had passed (putright.rules.recording): kept only with
    # the reason, and the stage's response then counts as late.
    entered_late = models.BooleanField(default=False)
    late_entry_reason = models.TextField(blank=True)
    # The day its letter (or a recorded equivalent) was issued: only then is the resident told,
    # with the Ombudsman's details the letter carries. An extension issued after the date it
    # extends had passed does not count for the reports (checks.refresh_response_counts_late).
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "id"]


class Refusal(models.Model):
    """A refusal to accept a complaint, or to escalate it, with the reasons (Code section 2, 5.11)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="refusals")
    stage_number = models.PositiveSmallIntegerField(default=1, help_text="1: not accepted; 2: escalation refused.")
    refused_on = models.DateField()
    reason = models.CharField(max_length=30, choices=[(r.value, REFUSAL_REASON_LABELS[r]) for r in RefusalReason])
    explanation = models.TextField(blank=True)
    ombudsman_rights_given = models.BooleanField(default=False)
    issue_arose_on = models.DateField(null=True, blank=True)
    discretion_decision = models.TextField(blank=True)
    proceedings_started_on = models.DateField(null=True, blank=True)
    previous_case_reference = models.CharField(max_length=40, blank=True)
    # 2.3: the 12 months run from the issue or from when the resident became aware of it.
    became_aware_on = models.DateField(null=True, blank=True)
    # OTHER: what the refused complaint was about, so the annual report (8.1 b) lists them.
    about = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The day the refusal letter (or a recorded equivalent) was issued: until then the resident
    # has not been told.
    issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "refused_on", "id"]


class StageParticipant(models.Model):
    """Someone who acted on a stage: its handler at any time, or who acknowledged (and so
    defined), extended or responded to it. Stage 2 must be dealt with by nobody who acted on
    stage 1 (6.13). Written by the service functions; never edited."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "user"], name="one_participant_row")]


class LateEntryStep(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledgement"
    EXTENDED = "extended", "Extension"
    RESPONDED = "responded", "Response"
    REFUSED = "refused", "Refusal"


class LateEntry(models.Model):
    """A step recorded well after the date typed in for it (putright.rules.recording): the
    complaints manager's list of late and back-dated entries, with who recorded it and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="late_entries")
    stage_number = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=20, choices=LateEntryStep.choices)
    effective_on = models.DateField(help_text="The date typed in for the step.")
    due_by = models.DateField(null=True, blank=True, help_text="The deadline the step answers.")
    recorded_on = models.DateField(help_text="The day it was recorded.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200, blank=True)
    working_days_late = models.PositiveIntegerField(help_text="Working days from the date typed in to the day recorded.")
    counts_late = models.BooleanField(help_text="Recorded after its deadline, so it counts as late in the reports.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "late entries"


class RemedyKind(models.TextChoices):
    # The ways of putting things right listed in Code 7.1.
    APOLOGY = "apology", "Apologising"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledging where things went wrong"
    EXPLANATION = "explanation", "Providing an explanation, assistance or reasons"
    ACTION_ON_DELAY = "action_on_delay", "Taking action if there has been delay"
    RECONSIDER = "reconsider", "Reconsidering or changing a decision"
    AMEND_RECORD = "amend_record", "Amending a record or adding a correction or addendum"
    FINANCIAL = "financial", "Providing a financial remedy"
    CHANGE_POLICY = "change_policy", "Changing policies, procedures or practices"


class PaymentMethod(models.TextChoices):
    MONEY = "money", "Payment"
    VOUCHER = "voucher", "Voucher"
    RENT_CREDIT = "rent_credit", "Credit to the rent account"


class Remedy(models.Model):
    """What the landlord will do to put things right, by when, followed to completion (7.1–7.3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=RemedyKind.choices)
    description = models.TextField(help_text="What will happen.")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    due_by = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    # The day the reports count it as offered (docs/reports.md, "compensation"): the response
    # date of the stage it was recorded at, or the day it was recorded while that stage has no
    # response. Set when saved if not given; actions.respond moves it to the response date.
    offered_on = models.DateField(blank=True)

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "remedies"

    def save(self, *args, **kwargs):
        if self.offered_on is None:
            self.offered_on = self.default_offered_on()
        super().save(*args, **kwargs)

    def default_offered_on(self, today: dt.date | None = None) -> dt.date:
        responded_on = None
        if self.stage_number:
            responded_on = (
                Stage.objects.filter(case_id=self.case_id, number=self.stage_number)
                .values_list("responded_on", flat=True).first()
            )
        if responded_on is not None:
            return responded_on
        if today is not None:
            return today
        return timezone.localdate(self.created_at) if self.created_at else timezone.localdate()


class OutstandingAction(models.Model):
    """Work still to do after a response, tracked and reported to the resident (6.6, 6.17)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    owner_name = models.CharField(max_length=200, blank=True, help_text="A team or contractor, if not a user.")
    due_by = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "due_by", "id"]
        indexes = [models.Index(fields=["due_by"], condition=Q(completed_on__isnull=True), name="action_open_due")]


class ActionUpdate(models.Model):
    """An update given to the resident on an outstanding action."""

    action = models.ForeignKey(OutstandingAction, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField()
    note = models.TextField()

    class Meta:
        ordering = ["action", "given_on", "id"]


class Direction(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"
    NOTE = "note", "Internal note"


class Correspondence(models.Model):
    """A letter, email, call or note, with the resident or anyone else (5.12)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correspondence")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    method = models.CharField(max_length=20, choices=ContactChannel.choices, blank=True)
    occurred_on = models.DateField()
    correspondent = models.CharField(max_length=200, blank=True, help_text="Who it was from or to.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # Internal notes never reach the resident (portal, subject access bundle).
    internal = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "occurred_on", "id"]
        verbose_name_plural = "correspondence"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.correspondence.case_id}/{instance.sha256[:16]}-{filename}"


class Attachment(models.Model):
    correspondence = models.ForeignKey(Correspondence, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["correspondence", "id"]


class AppendOnlyError(Exception):
    pass


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The timeline is append-only: events are never changed.")

    def delete(self):
        raise AppendOnlyError("The timeline is append-only: events are never deleted.")


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what, when, with the data of the change.

    Append-only: saving an existing event or deleting one raises AppendOnlyError.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who, when not a staff user.")
    kind = models.CharField(max_length=40)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The timeline is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The timeline is append-only: events are never deleted.")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"

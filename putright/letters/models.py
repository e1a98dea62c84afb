"""Letters to residents: the landlord's editable templates, and each letter drafted and issued.

The parts of a letter the Code requires (the complaint definition, decisions with reasons, how to
escalate...) are not in the editable wording: `drafting` builds them from the case record and the
wording places them with the `{{ required }}` marker. A letter, once issued, is the record of what
was sent (Code 5.12): it can no longer be changed or deleted, like a `CaseEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models

from putright.cases.models import AppendOnlyError, Case, CaseEvent, Correspondence

# Where the parts the Code requires go in a letter's wording. The landlord's template and the
# draft being edited both carry it as this literal text; rendering replaces it.
REQUIRED_MARKER = "{{ required }}"


class LetterKind(models.TextChoices):
    STAGE1_ACKNOWLEDGEMENT = "stage1_acknowledgement", "Stage 1 acknowledgement"
    STAGE2_ACKNOWLEDGEMENT = "stage2_acknowledgement", "Stage 2 acknowledgement"
    EXTENSION = "extension", "Extension of the response date"
    REFUSAL = "refusal", "Refusal (to accept, or to escalate)"
    STAGE1_RESPONSE = "stage1_response", "Stage 1 response"
    STAGE2_RESPONSE = "stage2_response", "Stage 2 final response"
    HAZARD_SUMMARY = "hazard_summary", "Written summary of a hazard investigation (Awaab's Law)"


class LetterFormat(models.TextChoices):
    STANDARD = "standard", "Standard"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"


class LetterTemplate(models.Model):
    """The landlord's wording for one kind of letter, edited in the admin."""

    kind = models.CharField(max_length=30, choices=LetterKind.choices, unique=True)
    subject = models.CharField(
        max_length=200, help_text="Django template text, e.g. “Your complaint {{ reference }}”."
    )
    body = models.TextField(
        help_text=(
            "Django template text (HTML paragraphs). Variables: {{ resident_name }}, {{ reference }}, "
            "{{ landlord }}, {{ stage }}, {{ received_on }}, {{ acknowledged_on }}, {{ respond_by }}, "
            "{{ complaints_email }}, {{ complaints_phone }}. Keep {{ required }} where the parts the "
            "Code requires go: PutRight fills them from the case record, and will not issue a letter "
            "without them."
        )
    )
    signatory = models.TextField(help_text="Name and job title, one per line.", default="Complaints Team")
    logo = models.FileField(
        upload_to="letters/logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg"])],
        help_text="Optional: PNG, JPEG or SVG, shown at the top of the letter.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @classmethod
    def for_kind(cls, kind: str) -> LetterTemplate:
        """The landlord's template, or the plain-English default if it has gone missing."""
        from putright.letters.defaults import TEMPLATES

        default = TEMPLATES[kind]
        obj, _ = cls.objects.get_or_create(kind=kind, defaults=default)
        return obj


class JargonTerm(models.Model):
    """A word or phrase to avoid in letters, with a plainer one (advice on drafts; never blocks)."""

    term = models.CharField(max_length=100, unique=True)
    plainer = models.CharField("plainer alternative", max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class LetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=LetterStatus.ISSUED).exists():
            raise AppendOnlyError("An issued letter is the record of what was sent: it is never changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=LetterStatus.ISSUED).exists():
            raise AppendOnlyError("An issued letter is the record of what was sent: it is never deleted.")
        return super().delete()


class Letter(models.Model):
    """One letter on a case: a draft being edited, then, once issued, immutable.

    Drafts change through `putright.letters.actions` only; `issue_letter` checks the required parts,
    renders the exact text and the PDF, and records it as outgoing correspondence on the timeline.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    subject = models.CharField(max_length=200)
    # The wording as edited (HTML), with REQUIRED_MARKER where the required parts go.
    body_html = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Filled when issued, then never changed.
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(max_length=20, choices=LetterFormat.choices, blank=True)
    sections = models.JSONField(default=dict, blank=True, help_text="The required parts, as issued.")
    html = models.TextField(blank=True, help_text="The whole letter as sent (HTML).")
    text = models.TextField(blank=True, help_text="The exact text sent.")
    pdf = models.FileField(upload_to="letters/", blank=True, max_length=300)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    correspondence = models.OneToOneField(
        Correspondence, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["case", "created_at", "id"]
        indexes = [models.Index(fields=["case", "kind", "status"], name="letter_case_kind_status")]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.ISSUED

    def save(self, *args, **kwargs):
        # The one allowed change to an issued row is none at all: compare with what is stored,
        # so the save that issues a draft (stored status: draft) goes through.
        if self.pk is not None and not self._state.adding:
            stored = Letter.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == LetterStatus.ISSUED:
                raise AppendOnlyError("An issued letter is the record of what was sent: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued or Letter.objects.filter(pk=self.pk, status=LetterStatus.ISSUED).exists():
            raise AppendOnlyError("An issued letter is the record of what was sent: it is never deleted.")
        return super().delete(*args, **kwargs)

"""The one path through which letters change, on the pattern of `putright.cases.actions`.

Each function checks the actor's role, locks what it changes, checks the rules, and writes in one
transaction; a refusal raises `RuleViolation` naming the Code provision, and nothing is half saved.

- `draft_letter`: a new draft of a kind that fits the case, worded from the landlord's template.
- `save_draft`: the handler's edits to the subject and wording.
- `issue_letter`: refuses while any required part is missing (`checks.missing`); otherwise renders
  the letter in the resident's format, and records it through `cases.actions.add_correspondence`
  as outgoing correspondence with the exact text and the PDF attached, so it is on the timeline.
  The letter is then immutable.
- `discard_draft`: delete a draft that will not be sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from putright.cases import actions as case_actions
from putright.cases.models import Case, CaseEvent, Direction
from putright.residents.models import ContactChannel
from putright.rules.errors import RuleViolation

from . import checks, drafting, render
from .models import Letter, LetterKind, LetterStatus, LetterTemplate


# The letters that issue a step of the case: until one is issued the step is recorded, not sent.
ISSUES_STEP = {
    LetterKind.STAGE1_RESPONSE: "response",
    LetterKind.STAGE2_RESPONSE: "response",
    LetterKind.EXTENSION: "extension",
    LetterKind.REFUSAL: "refusal",
}


class LetterIncomplete(RuleViolation):
    """A letter that cannot be issued: `missing` lists every gap, each naming its provision."""

    def __init__(self, missing: list[checks.Missing]):
        first = missing[0]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        super().__init__(f"This letter cannot be issued: {first.message}{more}", provision=first.provision)
        self.missing = missing


def _check_actor(actor) -> None:
    if actor is None or not getattr(actor, "can_change_cases", False):
        raise PermissionDenied("Your role can read letters but not draft or issue them.")


def _lock_draft(letter: Letter) -> Letter:
    letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
    if letter.is_issued:
        raise RuleViolation(f"This letter was issued on {letter.issued_on:%-d %B %Y} and cannot be changed.")
    return letter


def sections_for(letter: Letter) -> dict:
    """What the letter's required parts say: as issued, or, for a draft, from the record now."""
    if letter.is_issued:
        return letter.sections
    return drafting.build_sections(letter.case, letter.kind, letter.stage_number)


def problems(letter: Letter) -> list[checks.Missing]:
    return checks.missing(letter.kind, sections_for(letter), letter.body_html)


@transaction.atomic
def draft_letter(case: Case, kind: LetterKind | str, *, actor) -> Letter:
    """Start a letter of `kind` on `case`, or return the draft of that kind already open."""
    _check_actor(actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if kind not in LetterKind.values:
        raise RuleViolation(f"'{kind}' is not a kind of letter.", field="kind")
    fits = dict(drafting.applicable_kinds(case))
    if kind not in fits:
        raise RuleViolation(
            f"A {LetterKind(kind).label.lower()} letter does not fit this case as it stands.", field="kind"
        )
    number = fits[kind]
    existing = Letter.objects.filter(case=case, kind=kind, stage_number=number, status=LetterStatus.DRAFT).first()
    if existing is not None:
        return existing
    subject, body = render.draft_wording(LetterTemplate.for_kind(kind), case, number)
    return Letter.objects.create(
        case=case, kind=kind, stage_number=number, subject=subject[:200], body_html=body, created_by=actor
    )


@transaction.atomic
def save_draft(letter: Letter, *, subject: str, body_html: str, actor) -> Letter:
    _check_actor(actor)
    letter = _lock_draft(letter)
    subject = (subject or "").strip()
    if not subject:
        raise RuleViolation("Enter the subject of the letter.", field="subject")
    body = render.clean_html(body_html)
    if not body:
        raise RuleViolation("Enter the wording of the letter.", field="body_html")
    letter.subject = subject[:200]
    letter.body_html = body
    letter.save(update_fields=["subject", "body_html", "updated_at"])
    return letter


@transaction.atomic
def discard_draft(letter: Letter, *, actor) -> None:
    _check_actor(actor)
    letter = _lock_draft(letter)
    letter.delete()


@transaction.atomic
def issue_letter(letter: Letter, actor, *, today: dt.date | None = None) -> Letter:
    """Issue a draft: check, render, record it as outgoing correspondence, freeze it.

    1. Lock the draft (an issued letter is refused).
    2. Build the required parts from the record as it is now and check them with the wording;
       any gap raises `LetterIncomplete` (a `RuleViolation`) naming its provision.
    3. Render the whole letter in the resident's format, its exact text and its PDF.
    4. `add_correspondence`: outgoing, with the text as its body and the PDF attached; this writes
       the timeline event.
    5. Store what was sent on the letter and mark it issued: from now on it cannot change.
    """
    _check_actor(actor)
    today = today or timezone.localdate()
    letter = _lock_draft(letter)
    case = letter.case
    sections = drafting.build_sections(case, letter.kind, letter.stage_number)
    missing = checks.missing(letter.kind, sections, letter.body_html)
    if missing:
        raise LetterIncomplete(missing)

    fmt = render.format_for(case)
    html = render.render_letter(letter, sections=sections, fmt=fmt, on=today)
    text = render.html_to_text(html)
    pdf = render.pdf_bytes(html)
    filename = f"{case.reference}-{letter.kind.replace('_', '-')}-{today:%Y%m%d}.pdf"
    resident = case.resident
    method = ContactChannel.LETTER
    if resident is not None and resident.preferred_channel == ContactChannel.EMAIL and resident.email:
        method = ContactChannel.EMAIL
    item = case_actions.add_correspondence(
        case,
        direction=Direction.OUT,
        occurred_on=today,
        subject=letter.subject,
        body=text,
        method=method,
        correspondent=resident.name if resident else "",
        files=[case_actions.NewFile(filename, "application/pdf", pdf)],
        actor=actor,
        today=today,
    )
    attachment = item.attachments.get()
    event = (
        CaseEvent.objects.filter(case=case, kind="correspondence", data__correspondence=item.pk).order_by("-id").first()
    )
    letter.status = LetterStatus.ISSUED
    letter.issued_at = timezone.now()
    letter.issued_on = today
    letter.issued_by = actor
    letter.format = fmt
    letter.sections = sections
    letter.html = html
    letter.text = text
    letter.pdf.name = attachment.file.name  # the attachment's stored file: one copy of what was sent
    letter.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    letter.correspondence = item
    letter.event = event
    letter.save()
    step = ISSUES_STEP.get(letter.kind)
    if step is not None:
        # The response, extension or refusal counts as sent from today (cases.actions.issuing).
        case_actions.record_issue(case, step=step, stage_number=letter.stage_number, issued_on=today,
                                  correspondence=item, actor=actor)
    if letter.kind == LetterKind.HAZARD_SUMMARY:
        # The written summary Awaab's Law requires has been given: the hazard report records it.
        from putright.hazards import actions as hazard_actions
        from putright.hazards.models import HazardReport

        report = HazardReport.objects.get(pk=sections["hazard"]["report"])
        hazard_actions.record_summary(report, given_on=today, letter=letter, actor=actor)
    return letter


@transaction.atomic
def produce_bundle(case: Case, audience: str, *, actor=None, actor_label: str = ""):
    """Build the case bundle for `audience` and note on the timeline that it was produced, with
    the checksums of what was handed over (a disclosure is part of the record too, 5.12).

    Reading the record is open to every staff role, so this does not need a casework role.
    """
    from . import bundle as bundles

    if actor is not None and not getattr(actor, "can_read_cases", False):
        raise PermissionDenied("Your account cannot see cases.")
    who = actor.display_name if actor is not None else actor_label
    result = bundles.build_bundle(case, audience, produced_by=who)
    whom = "the resident (subject access request)" if audience == "resident" else "the Housing Ombudsman"
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        kind="bundle_produced",
        summary=f"Case bundle produced for {whom}: {result.pdf_name} and {result.zip_name} ({len(result.files)} files).",
        data={
            "audience": audience,
            "pdf_sha256": hashlib.sha256(result.pdf).hexdigest(),
            "zip_sha256": hashlib.sha256(result.zip).hexdigest(),
            "files": [f.path for f in result.files],
        },
    )
    return result

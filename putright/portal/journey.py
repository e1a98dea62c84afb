"""The online complaint journey: its questions in order, the answers kept in the session, and
the one transaction that turns them into a case.

Answers live in the session (files in DraftFile, keyed by a draft id in the session), so nothing
is lost between pages, and nothing is lost if sending fails: the transaction rolls back and the
answers are still there to try again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from putright.cases import actions
from putright.cases.models import Case, Channel, Direction
from putright.portal import forms
from putright.portal.models import DraftFile
from putright.residents import actions as residents_actions
from putright.residents.models import AdjustmentKind, Format, Representative, Resident
from putright.rules.lifecycle import Kind

SESSION_KEY = "portal_complaint"
SENT_KEY = "portal_sent"


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[forms.PortalForm]
    title: str
    applies: Callable[[dict], bool] = field(default=lambda answers: True)


STEPS: list[Step] = [
    Step("what-happened", forms.WhatHappenedForm, "What has gone wrong?"),
    Step("put-right", forms.PutRightForm, "What would you like us to do to put things right?"),
    Step("when", forms.WhenForm, "When did it happen?"),
    Step("someone-else", forms.SomeoneElseForm, "Are you complaining for someone else?"),
    Step("their-details", forms.TheirDetailsForm, "About the person you are complaining for", lambda a: a.get("for_someone_else") == "yes"),
    Step("your-details", forms.YourDetailsForm, "Your contact details"),
    Step("contact", forms.ContactForm, "How would you like us to contact you?"),
    Step("support", forms.SupportForm, "Support and formats"),
    Step("attachments", forms.AttachmentsForm, "Do you want to send us photos or documents?"),
]
BY_SLUG = {s.slug: s for s in STEPS}


class Journey:
    """The answers so far, read from and written to the session."""

    def __init__(self, session):
        self.session = session
        data = session.get(SESSION_KEY)
        self.data = data if isinstance(data, dict) else {}
        self.data.setdefault("steps", {})
        self.data.setdefault("draft", secrets.token_hex(16))

    def save(self) -> None:
        self.session[SESSION_KEY] = self.data
        self.session.modified = True

    @property
    def draft(self) -> str:
        return self.data["draft"]

    @property
    def answers(self) -> dict:
        """Every answer of the steps that apply, in one flat dict."""
        flat: dict = {}
        for step in STEPS:
            if step.slug in self.data["steps"] and step.applies(flat):
                flat.update(self.data["steps"][step.slug])
        return flat

    def step_answers(self, slug: str) -> dict | None:
        return self.data["steps"].get(slug)

    def record(self, slug: str, answers: dict) -> None:
        self.data["steps"][slug] = answers
        self.save()

    def applicable(self) -> list[Step]:
        flat: dict = {}
        steps = []
        for step in STEPS:
            if step.applies(flat):
                steps.append(step)
                flat.update(self.data["steps"].get(step.slug, {}))
        return steps

    def first_missing(self) -> Step | None:
        for step in self.applicable():
            if step.slug not in self.data["steps"]:
                return step
        return None

    def after(self, slug: str) -> Step | None:
        steps = self.applicable()
        for i, step in enumerate(steps):
            if step.slug == slug:
                return steps[i + 1] if i + 1 < len(steps) else None
        return None

    def before(self, slug: str) -> Step | None:
        steps = self.applicable()
        for i, step in enumerate(steps):
            if step.slug == slug:
                return steps[i - 1] if i > 0 else None
        return None

    def files(self):
        return DraftFile.objects.filter(draft=self.draft)

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)


# --- sending --------------------------------------------------------------------------------


def describe(a: dict) -> str:
    """The complaint in the resident's own words, with what they want and when it happened."""
    when = dt.date.fromisoformat(a["when"]).strftime("%-d %B %Y") if a.get("when") else "I'm not sure"
    parts = [a["what_happened"].strip()]
    parts.append(f"What I would like you to do: {a.get('put_right', '').strip() or '(not said)'}")
    parts.append(f"When it happened: {when}")
    return "\n\n".join(parts)


def _differences(resident: Resident, given: list[tuple[str, str, str]]) -> list[str]:
    lines = []
    for label, attr, value in given:
        current = getattr(resident, attr)
        if value and str(value).strip() and str(value).strip() != str(current).strip():
            lines.append(f"{label}: {value} (the record says: {current or 'nothing'})")
    return lines


def _find_or_create_resident(a: dict, today: dt.date) -> tuple[Resident, list[str]]:
    """The resident the complaint is about, matched by email; (resident, notes for staff).

    A match is never updated from the form: anyone can type an address into a public form, so
    what differs is put to staff in an internal note instead.
    """
    for_other = a.get("for_someone_else") == "yes"
    if for_other:
        details = {
            "name": a["resident_name"], "email": a.get("resident_email", ""), "phone": "",
            "address": a.get("resident_address", ""), "postcode": "",
        }
    else:
        details = {k: a.get(k, "") for k in ("name", "email", "phone", "address", "postcode")}
    prefs = {"preferred_channel": a["preferred_channel"], "preferred_format": a.get("preferred_format") or Format.STANDARD}
    resident = None
    notes = []
    if details["email"] and not for_other:
        resident = Resident.objects.filter(email__iexact=details["email"]).order_by("id").first()
    elif details["email"]:
        # Never join a complaint made for someone else to an existing record: the person filling
        # in the form has proved nothing, and the record's name, address and letters would reach
        # them. A new record holds only what they typed; staff check and merge.
        known = Resident.objects.filter(email__iexact=details["email"]).count()
        if known:
            notes.append(
                f"Made for someone else, giving an email address already on {known} resident record(s). It was NOT joined "
                "to them: this is a new record holding only what the representative typed. Check with the resident, "
                "using the contact details on their own record, before linking the two."
            )
    if resident is None:
        resident = Resident.objects.create(**details, **prefs)
    else:
        given = [
            ("Name", "name", details["name"]), ("Phone", "phone", details["phone"]),
            ("Address", "address", details["address"]), ("Postcode", "postcode", details["postcode"]),
            ("Preferred contact", "preferred_channel", prefs["preferred_channel"]),
            ("Preferred format", "preferred_format", prefs["preferred_format"]),
        ]
        diff = _differences(resident, given)
        if diff:
            notes.append(
                "The complaint was made online with an email address already on record. These details "
                "given online differ from the record, which has not been changed; check them with the resident:"
            )
            notes.extend(f"- {line}" for line in diff)
    if for_other:
        notes.append(
            f"Made by a representative, {a['name']} ({a['relationship']}), who said the resident agreed. "
            "That is not yet verified: until the resident agrees online or staff record how they agreed, "
            "the representative sees nothing of the case and gets no letters or emails about it. "
            "The contact preference and any support described were given by the representative."
        )
    return resident, notes


@transaction.atomic
def submit(journey: Journey, *, today: dt.date) -> Case:
    """Log the complaint through the service path, with its files, in one transaction."""
    a = journey.answers
    resident, notes = _find_or_create_resident(a, today)
    representative = None
    if a.get("for_someone_else") == "yes":
        representative = Representative.objects.create(
            resident=resident, name=a["name"], relationship=a["relationship"], email=a.get("email", ""),
            phone=a.get("phone", ""), address="\n".join(x for x in (a.get("address", ""), a.get("postcode", "")) if x),
            consent_given_on=today,
        )
        label = f"{a['name']} (representative of {resident.name})"
    else:
        label = f"{a['name']} (resident)"
    case = actions.log_case(
        kind=Kind.COMPLAINT, channel=Channel.ONLINE, received_on=today, description=describe(a),
        resident=resident, representative=representative, actor=None, actor_label=label, today=today,
    )
    support = (a.get("support") or "").strip()
    if support:
        # Disclosed today; staff review it by the acknowledge-by date, when they first contact
        # the resident (5.10: adjustments are kept under active review).
        residents_actions.add_adjustment(
            resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT,
            description=f"Asked for online with {case.reference}: {support}",
            agreed_on=today, review_by=case.stage(1).acknowledge_by, actor=None, today=today,
        )
    files = [
        actions.NewFile(name=f.name, content_type=f.content_type, content=_read(f))
        for f in journey.files()
    ]
    if files:
        actions.add_correspondence(
            case, direction=Direction.IN, occurred_on=today, subject="Files sent with the complaint",
            correspondent=a["name"], files=files, actor=None, actor_label=label, today=today,
        )
    if notes:
        actions.add_correspondence(
            case, direction=Direction.NOTE, internal=True, occurred_on=today, subject="Check the details given online",
            body="\n".join(notes), actor=None, actor_label="PutRight portal", today=today,
        )
    return case


def _read(draft: DraftFile) -> bytes:
    with draft.file.open("rb") as fh:
        return fh.read()


#: Uploads from a journey nobody finished are removed after this long.
DRAFT_DAYS = 2


def discard_stale_drafts(now: dt.datetime | None = None) -> int:
    """Remove files uploaded to journeys abandoned more than DRAFT_DAYS ago."""
    from django.utils import timezone

    stale = DraftFile.objects.filter(created_at__lt=(now or timezone.now()) - dt.timedelta(days=DRAFT_DAYS))
    count = 0
    for f in stale:
        f.file.delete(save=False)
        f.delete()
        count += 1
    return count

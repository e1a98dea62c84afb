"""One function per message. Each renders three templates, emails/<name>-subject.txt,
-body.txt and -body.html, and queues the result in the outbox (or, for a sign-in code, sends it
at once). Queued messages are delivered by `putright send_outbox`.

Case messages go to the resident's email and to their representative's, when they have one.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseEvent, LandlordSettings
from putright.notifications.models import LINK_PLACEHOLDER, Outbox
from putright.rules import deadlines

log = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return settings.PUTRIGHT_SITE_URL + path


def render(name: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) for the message `name`."""
    context = {"landlord": LandlordSettings.load(), "site_url": settings.PUTRIGHT_SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


#: The only message a representative gets before the resident's agreement is verified: it holds
#: the reference and the dates, nothing from the resident's record.
BEFORE_CONSENT = {"receipt"}


def recipients(case: Case, message: str = "") -> list[tuple[str, str]]:
    """(name, address) of everyone a case's emails go to: the resident and any representative
    whose authority is verified (putright.residents.consent)."""
    found: list[tuple[str, str]] = []
    rep = case.representative
    if rep is not None and not rep.consent_verified and message not in BEFORE_CONSENT:
        rep = None
    for person in (case.resident, rep):
        email = (getattr(person, "email", "") or "").strip()
        if email and email.lower() not in {e.lower() for _, e in found}:
            found.append((person.name, email))
    return found


def _queue_for_case(name: str, case: Case, event: CaseEvent | None, context: dict) -> list[Outbox]:
    rows = []
    now = timezone.now()
    for person, email in recipients(case, name):
        subject, text, html = render(
            name, {"case": case, "event": event, "name": person, "link": LINK_PLACEHOLDER, **context}
        )
        rows.append(
            Outbox.objects.create(
                kind=name, to=email, subject=subject, body_text=text, body_html=html,
                case=case, event=event, link_for=email, next_attempt_at=now,
            )
        )
    return rows


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else None


def _ombudsman_context() -> dict:
    landlord = LandlordSettings.load()
    return {"housing_ombudsman": landlord.housing_ombudsman_contact, "lgsco": landlord.lgsco_contact if landlord.is_council else ""}


# --- the messages -----------------------------------------------------------------------------


def _link_days() -> int:
    from putright.portal.access import TOKEN_DAYS

    return TOKEN_DAYS


def receipt(case: Case, event: CaseEvent) -> list[Outbox]:
    """We have your complaint: its reference, the dates we must act by, the private link."""
    scales = deadlines.timescales(1, case.received_on, None, landlord_calendar())
    return _queue_for_case(
        "receipt", case, event,
        {
            "acknowledge_by": scales.acknowledge_by.due_on,
            "respond_by": scales.respond_by.due_on,
            "respond_days": deadlines.STAGE_LIMITS[1].respond_days,
            "link_days": _link_days(),
        },
    )


def acknowledgement(case: Case, event: CaseEvent) -> list[Outbox]:
    """We have acknowledged it (6.2, 6.11): our understanding of it (5.6, 5.7) and the response date."""
    data = event.data
    return _queue_for_case(
        "acknowledgement", case, event,
        {
            "stage": data.get("stage"),
            "definition": data.get("definition", ""),
            "outcomes_sought": data.get("outcomes_sought", ""),
            "responsible_for": data.get("responsible_for", ""),
            "not_responsible_for": data.get("not_responsible_for", ""),
            "respond_by": _day(data.get("respond_by")),
        },
    )


def extension(case: Case, event: CaseEvent) -> list[Outbox]:
    """We need more time: the new date, the reason, how often we will update you, and the
    Ombudsman's contact details (6.4, 6.5, 6.15, 6.16, 5.9)."""
    data = event.data
    return _queue_for_case(
        "extension", case, event,
        {
            "stage": data.get("stage"),
            "reason": data.get("reason", ""),
            "previous_respond_by": _day(data.get("previous_respond_by")),
            "new_respond_by": _day(data.get("new_respond_by")),
            "update_every": data.get("update_every_working_days"),
            **_ombudsman_context(),
        },
    )


def response(case: Case, event: CaseEvent) -> list[Outbox]:
    """We have responded: the decision, and what the resident can do next (stage 2, or the Ombudsman)."""
    data = event.data
    stage = data.get("stage")
    return _queue_for_case(
        "response", case, event,
        {
            "stage": stage,
            "decision": (data.get("decision") or "").replace("_", " "),
            "points": [{**p, "decision": str(p.get("decision", "")).replace("_", " ")} for p in data.get("points", [])],
            "stage_two_path": reverse("portal:stage-two", args=[case.reference]) if stage == 1 else "",
            **_ombudsman_context(),
        },
    )


def stage_two_request(case: Case, event: CaseEvent) -> list[Outbox]:
    """We have your request to escalate: the stage 2 dates (6.11, 6.14)."""
    data = event.data
    return _queue_for_case(
        "stage-two-request", case, event,
        {
            "acknowledge_by": _day(data.get("acknowledge_by")),
            "respond_by": _day(data.get("respond_by")),
            "respond_days": deadlines.STAGE_LIMITS[2].respond_days,
        },
    )


def staff_reminder(user, *, overdue: list, due_soon: list, today: dt.date) -> Outbox | None:
    """A handler's daily list of their cases overdue and due within 2 working days. Once a
    day per person: a second call the same day returns None."""
    if not user.email or not (overdue or due_soon):
        return None
    key = f"staff-reminder:{user.pk}:{today.isoformat()}"
    if Outbox.objects.filter(dedupe_key=key).exists():
        return None
    subject, text, html = render(
        "staff-reminder",
        {"user": user, "overdue": overdue, "due_soon": due_soon, "today": today, "queue_url": site_url(reverse("cases:queue"))},
    )
    return Outbox.objects.create(
        kind="staff-reminder", to=user.email, subject=subject, body_text=text, body_html=html,
        dedupe_key=key, next_attempt_at=timezone.now(),
    )


def sign_in_code_message(email: str, code: str) -> EmailMultiAlternatives:
    """The sign-in code email, rendered (in the request, where the database is) but not sent."""
    from putright.portal.access import CODE_MINUTES

    subject, text, html = render("sign-in-code", {"code": code, "minutes": CODE_MINUTES})
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    return message


def send_in_background(message: EmailMultiAlternatives) -> threading.Thread:
    """Send one message on a separate thread, so the page answers before the mail server does."""

    def send():
        try:
            message.send()
        except Exception:
            log.exception("Could not send a sign-in code")

    thread = threading.Thread(target=send, name="putright-sign-in-code", daemon=True)
    thread.start()
    return thread


def sign_in_code(email: str, code: str) -> None:
    """Send a one-time sign-in code now, not through the outbox: it lasts 10 minutes, so a
    retry hours later would be no use, and the code must not sit in a table. Raises if the
    mail server refuses. (The /track/ page uses send_in_background instead.)"""
    sign_in_code_message(email, code).send()


#: CaseEvent kind -> the message it sends.
FOR_EVENT = {
    "logged": receipt,
    "acknowledged": acknowledgement,
    "stage2_requested": stage_two_request,
}
#: The response is told when its letter is issued, not when the decision is recorded: the email
#: says "we have sent our response", so the letter must exist. Built from the "responded" event.
FOR_LETTER = {
    "stage1_response": response,
    "stage2_response": response,
    "extension": extension,  # likewise: the resident is told of an extension when its letter goes
}
#: The case event each letter's email is built from.
LETTER_EVENT = {"stage1_response": "responded", "stage2_response": "responded", "extension": "extended"}

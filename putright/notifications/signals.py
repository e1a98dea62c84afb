import logging

from django.db import transaction
from django.utils import timezone

from putright.notifications import emails
from putright.notifications.models import Outbox
from putright.rules.lifecycle import Kind

log = logging.getLogger(__name__)


def on_case_event(sender, instance, created, raw=False, **kwargs):
    """Queue the email for a case event, inside the transaction that records the event."""
    if raw or not created:
        return
    message = emails.FOR_EVENT.get(instance.kind)
    if message is None:
        return
    _queue(message, instance.case, instance)


def on_letter_saved(sender, instance, created, raw=False, **kwargs):
    """Queue the response (or extension) email when its letter is issued (inside issue_letter's
    transaction), once, from the stage's "responded" (or latest "extended") event."""
    from putright.cases.models import CaseEvent

    message = emails.FOR_LETTER.get(instance.kind)
    if raw or message is None or instance.status != "issued":
        return
    event = (
        CaseEvent.objects.filter(case=instance.case_id, kind=emails.LETTER_EVENT[instance.kind], data__stage=instance.stage_number).order_by("-id").first()
    )
    if event is None or Outbox.objects.filter(event=event).exists():
        return
    _queue(message, instance.case, event)


def _queue(message, case, instance) -> None:
    # Emails are about complaints; service requests and compliments are not written to.
    if case.kind != Kind.COMPLAINT or case.imported:
        return
    people = emails.recipients(case, message.__name__)
    if not people:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here must not break the action
            message(case, instance)
    except Exception as error:
        # A broken template must not stop casework. Keep a failed row per recipient so the
        # admin shows what was not sent, and why.
        log.exception("Could not queue the %s email for %s", instance.kind, case.reference)
        for _, email in people:
            Outbox.objects.create(
                kind=message.__name__, to=email, subject=f"(not sent) {message.__name__} for {case.reference}",
                body_text="", case=case, event=instance, next_attempt_at=None,
                last_error=f"{timezone.now():%Y-%m-%d %H:%M:%S} could not render: {type(error).__name__}: {error}",
            )

"""Turning a message waiting in the inbox to log into a case, in one step, or setting it aside."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from putright.cases import actions as case_actions
from putright.cases.access import require_change
from putright.cases.models import Channel
from putright.mailbox.fetch import add_to_case
from putright.mailbox.models import InboundMessage, MessageState
from putright.rules.errors import RuleViolation


def _waiting(message: InboundMessage) -> InboundMessage:
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.state != MessageState.WAITING:
        raise RuleViolation(f"This message was already dealt with ({message.get_state_display().lower()}).", field="kind")
    return message


@transaction.atomic
def log_message(message: InboundMessage, *, kind: str, description: str, themes=(), resident=None, actor):
    """Log the message as a complaint, service request or compliment received by email on the
    day the mail server received it (the Code counts from receipt, 6.2), with the email and its
    attachments as its first correspondence. Returns the new case."""
    require_change(actor)
    message = _waiting(message)
    received_on = timezone.localdate(message.received_at)
    case = case_actions.log_case(
        kind=kind, received_on=received_on, description=description, channel=Channel.EMAIL, resident=resident,
        themes=themes, received_by="Complaints mailbox", actor=actor,
    )
    add_to_case(message, case, actor=actor)
    message.state, message.case, message.handled_by, message.handled_at = MessageState.LOGGED, case, actor, timezone.now()
    message.save(update_fields=["state", "case", "handled_by", "handled_at"])
    return case


@transaction.atomic
def set_aside(message: InboundMessage, *, reason: str, actor) -> InboundMessage:
    """Not a complaint, request or compliment (spam, a supplier's invoice): kept, with the reason."""
    require_change(actor)
    message = _waiting(message)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Say why this message is not a case.", field="reason")
    message.state, message.note, message.handled_by, message.handled_at = MessageState.NOT_A_CASE, reason, actor, timezone.now()
    message.save(update_fields=["state", "note", "handled_by", "handled_at"])
    return message

"""Cases with everything a letter needs, made through the actions (see cases/tests/factories.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from putright.cases import actions
from putright.cases.models import Direction, LandlordSettings, PaymentMethod, RemedyKind
from putright.cases.tests import factories as f
from putright.letters import actions as letter_actions
from putright.letters.models import Letter, LetterKind
from putright.rules.lifecycle import State

TODAY = f.TODAY


def landlord() -> LandlordSettings:
    settings = LandlordSettings.load()
    settings.name = "Riverside Homes"
    settings.complaints_email = "complaints@riverside.example"
    settings.complaints_phone = "0300 123 4567"
    settings.save()
    return settings


def with_remedy_and_action(case, handler):
    actions.add_remedy(
        case, kind=RemedyKind.APOLOGY, description="We apologise for the missed appointments", completed_on=dt.date(2026, 11, 16), actor=handler, today=TODAY
    )
    actions.add_remedy(
        case,
        kind=RemedyKind.FINANCIAL,
        description="Compensation for the time taken",
        amount=Decimal("150"),
        payment_method=PaymentMethod.MONEY,
        due_by=dt.date(2026, 12, 4),
        actor=handler,
        today=TODAY,
    )
    actions.add_action(case, description="Replace the kitchen worktop", due_by=dt.date(2026, 12, 11), owner_name="Repairs team", actor=handler)
    return case


def case_for(kind: str, *, handler, stage2_handler, resident):
    """A complaint in the state where a `kind` letter is due, with the record it draws on."""
    landlord()
    if kind == LetterKind.STAGE1_ACKNOWLEDGEMENT:
        return f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    if kind == LetterKind.EXTENSION:
        case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
        return actions.extend(case, actor=handler, today=TODAY, **f.extend_kwargs())
    if kind == LetterKind.REFUSAL:
        return f.complaint_at(State.REFUSED, handler=handler, resident=resident)
    if kind == LetterKind.STAGE1_RESPONSE:
        case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
        with_remedy_and_action(case, handler)
        return actions.respond(case, responded_on=f.RESPONDED, points=f.points(n=2), actor=handler, today=TODAY)
    if kind == LetterKind.STAGE2_ACKNOWLEDGEMENT:
        return f.complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=stage2_handler, resident=resident)
    if kind == LetterKind.STAGE2_RESPONSE:
        case = f.complaint_at(State.STAGE2_ACKNOWLEDGED, handler=handler, stage2_handler=stage2_handler, resident=resident)
        with_remedy_and_action(case, stage2_handler)
        return actions.respond(case, responded_on=f.S2_RESPONDED, points=f.points(n=2), actor=stage2_handler, today=TODAY)
    if kind == LetterKind.HAZARD_SUMMARY:
        from putright.hazards import actions as hazard_actions
        from putright.hazards.tests.helpers import raise_damp
        from putright.rules.hazards import local_moment

        case = f.log_service_request(resident=resident, actor=handler)
        report = raise_damp(case, actor=handler)
        hazard_actions.record_investigation(
            report, concluded_at=local_moment(dt.datetime(2026, 11, 12, 11, 0)), investigator="Dana Price, surveyor",
            findings="Mould behind the wardrobe; the extractor fan has failed.", outcome="significant_found", actor=handler,
        )
        return case
    raise ValueError(kind)


def draft(kind: str, *, handler, stage2_handler, resident) -> Letter:
    case = case_for(kind, handler=handler, stage2_handler=stage2_handler, resident=resident)
    actor = stage2_handler if kind in (LetterKind.STAGE2_ACKNOWLEDGEMENT, LetterKind.STAGE2_RESPONSE) else handler
    return letter_actions.draft_letter(case, kind, actor=actor)


def note(case, handler, *, body="Internal: the contractor's manager admits the fault.", files=()):
    return actions.add_correspondence(
        case, direction=Direction.NOTE, occurred_on=TODAY, body=body, files=files, actor=handler, today=TODAY
    )

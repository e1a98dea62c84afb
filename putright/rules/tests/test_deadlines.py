"""Each stage's clocks and the limits on extending them (Code 6.2-6.4, 6.11, 6.14, 6.15)."""

from __future__ import annotations

from datetime import date

import pytest

from putright.rules import deadlines, lifecycle
from putright.rules.calendar import WorkingCalendar
from putright.rules.deadlines import (
    STAGE_LIMITS,
    acknowledge_by,
    check_extension,
    extension_beyond_cap,
    latest_extended_respond_by,
    respond_by,
    stage_limits,
    timescales,
)
from putright.rules.errors import RuleViolation

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("stage", "received_on", "acknowledged_on", "expected"),
    [
        # Stage 1 over Christmas 2025, not yet acknowledged: respond-by is projected.
        (1, date(2025, 12, 24), None, ("2026-01-05", "2026-01-19", "2026-02-02")),
        # Acknowledged early (Fri 2 Jan): respond-by comes forward.
        (1, date(2025, 12, 24), date(2026, 1, 2), ("2026-01-05", "2026-01-16", "2026-01-30")),
        # Acknowledged late (Wed 7 Jan, after the 5 Jan deadline): respond-by moves later.
        (1, date(2025, 12, 24), date(2026, 1, 7), ("2026-01-05", "2026-01-21", "2026-02-04")),
        # Stage 1 over Easter 2024, acknowledged the day it was received.
        (1, date(2024, 3, 28), date(2024, 3, 28), ("2024-04-08", "2024-04-15", "2024-04-29")),
        # Stage 2 over Easter 2025 and both May bank holidays (5 and 26 May).
        (2, date(2025, 4, 16), None, ("2025-04-25", "2025-05-27", "2025-06-24")),
        (2, date(2025, 4, 16), date(2025, 4, 17), ("2025-04-25", "2025-05-20", "2025-06-18")),
        # Stage 2 escalation over Christmas 2026 (Boxing Day observed Mon 28 Dec).
        (2, date(2026, 12, 24), date(2026, 12, 29), ("2027-01-05", "2027-01-27", "2027-02-24")),
    ],
)
def test_timescales(
    stage: int, received_on: date, acknowledged_on: date | None, expected: tuple[str, str, str]
) -> None:
    result = timescales(stage, received_on, acknowledged_on, CAL)
    assert result.stage == stage
    assert result.as_json_dict() == dict(
        zip(("acknowledge_by", "respond_by", "latest_extended_respond_by"), expected, strict=True)
    )
    assert result.respond_by.projected is (acknowledged_on is None)
    assert not result.acknowledge_by.projected


def test_deadlines_carry_rule_provision_and_explanation() -> None:
    ack = acknowledge_by(1, date(2025, 12, 24), CAL)
    assert ack.rule == "Stage 1: acknowledge within 5 working days of receipt"
    assert ack.provision == "6.2"
    assert ack.count.start_on == date(2025, 12, 24)
    assert ack.count.lines()[-1] == "Working day 5 is Mon 5 Jan 2026."

    ack2 = acknowledge_by(2, date(2025, 4, 16), CAL)
    assert (ack2.provision, ack2.rule) == (
        "6.11",
        "Stage 2: acknowledge within 5 working days of the escalation request",
    )
    resp = respond_by(2, date(2025, 4, 16), date(2025, 4, 17), CAL)
    assert (resp.provision, resp.count.start_on, resp.count.working_days) == (
        "6.14",
        date(2025, 4, 17),
        20,
    )
    projected = respond_by(1, date(2025, 12, 24), None, CAL)
    assert projected.count.start_on == date(2026, 1, 5)  # counted from the acknowledge-by date
    assert "projected" in projected.rule
    ext = latest_extended_respond_by(2, date(2025, 5, 27), CAL)
    assert (ext.due_on, ext.provision) == (date(2025, 6, 24), "6.15")


def test_stage_limits() -> None:
    assert stage_limits(1) == STAGE_LIMITS[1]
    assert (stage_limits(2).respond_days, stage_limits(2).max_extension_days) == (20, 20)


@pytest.mark.parametrize("stage", [0, 3, -1, "1"])
def test_there_is_no_third_stage(stage: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        stage_limits(stage)
    assert (caught.value.provision, caught.value.field) == ("5.2", "stage")
    assert str(caught.value).startswith("There are exactly two stages (Code 5.2)")
    with pytest.raises(RuleViolation):
        timescales(stage, date(2025, 3, 7), None, CAL)


def test_acknowledgement_before_receipt_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        respond_by(1, date(2025, 3, 7), date(2025, 3, 6), CAL)
    assert caught.value.field == "acknowledged_on"


# Stage 1 received Wed 24 Dec 2025, not yet acknowledged: respond by Mon 19 Jan 2026, and an
# extension may run to Mon 2 Feb 2026 without a good reason.
RESPOND_BY = date(2026, 1, 19)


@pytest.mark.parametrize("new_respond_by", [date(2026, 1, 20), date(2026, 1, 26), date(2026, 2, 2)])
def test_extension_within_the_cap(new_respond_by: date) -> None:
    check_extension(1, RESPOND_BY, new_respond_by, CAL)
    assert not extension_beyond_cap(1, RESPOND_BY, new_respond_by, CAL)


@pytest.mark.parametrize(
    ("stage", "respond_by_on", "new_respond_by", "provision", "cap"),
    [
        (1, RESPOND_BY, date(2026, 2, 3), "6.4", "up to Mon 2 Feb 2026"),
        (2, date(2025, 5, 27), date(2025, 6, 25), "6.15", "up to Tue 24 Jun 2025"),
    ],
)
def test_extension_beyond_the_cap_needs_a_good_reason(
    stage: int, respond_by_on: date, new_respond_by: date, provision: str, cap: str
) -> None:
    assert extension_beyond_cap(stage, respond_by_on, new_respond_by, CAL)
    for blank in ("", "   "):
        with pytest.raises(RuleViolation) as caught:
            check_extension(stage, respond_by_on, new_respond_by, CAL, good_reason=blank)
        assert (caught.value.provision, caught.value.field) == (provision, "good_reason")
        limit = STAGE_LIMITS[stage].max_extension_days
        assert f"at most {limit} working days beyond" in caught.value.message
        assert cap in caught.value.message
    check_extension(
        stage,
        respond_by_on,
        new_respond_by,
        CAL,
        good_reason="Awaiting a structural engineer's report",
    )


@pytest.mark.parametrize("new_respond_by", [RESPOND_BY, date(2026, 1, 16)])
def test_extension_must_be_later(new_respond_by: date) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_extension(1, RESPOND_BY, new_respond_by, CAL, good_reason="anything")
    assert (caught.value.field, caught.value.provision) == ("new_respond_by", None)


@pytest.mark.parametrize(
    ("new_respond_by", "why"),
    [(date(2026, 1, 24), "Saturday"), (date(2026, 4, 3), "bank holiday: Good Friday")],
)
def test_extension_to_a_non_working_day_is_refused(new_respond_by: date, why: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_extension(1, RESPOND_BY, new_respond_by, CAL, good_reason="a good reason")
    assert caught.value.field == "new_respond_by"
    assert why in caught.value.message


def test_there_is_no_way_to_stop_the_clock() -> None:
    """The Code has no pause or hold: nothing here may offer one."""
    words = ("pause", "hold", "suspend", "stop_clock")
    names = [m.value for m in (*lifecycle.State, *lifecycle.Action)]
    names += dir(deadlines) + dir(lifecycle) + dir(CAL)
    assert not [n for n in names if any(w in n.lower() for w in words)]

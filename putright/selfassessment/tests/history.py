"""Small case histories for the evidence tests, made through the actions as staff would make them.

Everything happens in the reporting year 2025/26 (1 April 2025 to 31 March 2026) unless a test
says otherwise, and the evidence is counted on TODAY, after the year: anything due in the year
and not done by its end is overdue.
"""

from __future__ import annotations

import datetime as dt

from putright.cases import actions
from putright.cases.actions import PointDecision
from putright.cases.models import Case
from putright.reports.tests.histories import wd
from putright.rules.lifecycle import Decision, Kind
from putright.selfassessment import evidence as data

YEAR = 2025
LABEL = "2025/26"
TODAY = dt.date(2026, 11, 23)
DAY = dt.date(2025, 6, 2)  # a Monday in 2025/26, with no bank holiday in the three weeks after it


def evidence(year: int = YEAR, today: dt.date = TODAY) -> dict[str, data.Evidence]:
    return data.evidence_for(year, today=today)


def points(n: int = 1, reasons: str = "The job was booked three weeks late.") -> list[PointDecision]:
    return [PointDecision(f"Point {i}: the repair was late", Decision.UPHELD, reasons) for i in range(1, n + 1)]


def complaint(handler, *, received_on: dt.date = DAY, **kw) -> Case:
    kw.setdefault("description", "My kitchen has been leaking for a month.")
    return actions.log_case(kind=Kind.COMPLAINT, received_on=received_on, handler=handler, actor=handler, today=TODAY, **kw)


def acknowledge(case: Case, handler, *, after: int = 1, stage: int = 1, **kw) -> Case:
    """Acknowledge the current stage ``after`` working days after it began."""
    began = case.stages.get(number=stage).requested_on
    kw.setdefault("definition", "The kitchen leak was not repaired on time.")
    kw.setdefault("outcomes_sought", "Repair the leak and apologise.")
    kw.setdefault("responsible_for", "The repair.")
    kw.setdefault("not_responsible_for", "The neighbour's pipe (the neighbour's insurer).")
    on = wd(began, after)
    return actions.acknowledge(case, acknowledged_on=on, handler=handler, actor=handler, today=min(on, TODAY), **kw)


def respond(case: Case, handler, *, after: int = 5, stage: int = 1, n: int = 1) -> Case:
    """Respond to the current stage ``after`` working days after its acknowledgement."""
    acknowledged = case.stages.get(number=stage).acknowledged_on
    on = wd(acknowledged, after)
    actions.respond(case, responded_on=on, points=points(n), actor=handler, today=min(on, TODAY))
    # Sent the same day (a response counts once it is sent: docs/deadlines.md, "Recorded is not sent").
    return actions.send_another_way(case, step="response", sent_on=on, method="email", actor=handler, today=min(on, TODAY),
                                    text="Our response: we upheld your complaint. You can ask for stage 2.")


def answered(handler, *, received_on: dt.date = DAY, **kw) -> Case:
    """A stage 1 complaint acknowledged the next working day and answered five working days later."""
    return respond(acknowledge(complaint(handler, received_on=received_on, **kw), handler), handler)


def escalated(case: Case, handler, stage2_handler) -> Case:
    """Stage 2 asked for 3 working days after the stage 1 response, acknowledged the next working
    day by ``stage2_handler`` and answered 10 working days after that."""
    responded_on = case.stages.get(number=1).responded_on
    case = actions.request_stage_two(case, requested_on=wd(responded_on, 3), actor=handler, today=TODAY)
    case = acknowledge(case, stage2_handler, stage=2)
    return respond(case, stage2_handler, stage=2, after=10)

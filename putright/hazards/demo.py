"""Hazards in the demo: one in every state the worklist and the case page can show.

Each hazard comes with the service request that reported it (logged on the day the landlord
became aware); two carry on as complaints about how the hazard was handled (Code 1.5). Dates are
counted back from the demo's today in working days, so the states hold whatever day it is built.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from putright.cases import actions as case_actions
from putright.cases.models import ServiceArea
from putright.residents.models import Resident
from putright.rules import hazards as rules
from putright.rules.lifecycle import Kind

from . import actions
from .kinds import ensure_kinds
from .models import AwareHow, HazardKind, Outcome, StepKind

SIGNIFICANT, EMERGENCY = rules.SIGNIFICANT, rules.EMERGENCY


class _Clock:
    def __init__(self, today: dt.date):
        self.today = today
        self.cal = rules.legal_calendar()
        # Never in the future: the actions refuse that.
        self.latest = min(timezone.now(), rules.local_moment(dt.datetime.combine(today, dt.time(9, 30))))

    def day(self, working_days_ago: int) -> dt.date:
        day, left = self.today, working_days_ago
        while left > 0:
            day -= dt.timedelta(days=1)
            if self.cal.is_working_day(day):
                left -= 1
        return day

    def at(self, working_days_ago: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        moment = rules.local_moment(dt.datetime.combine(self.day(working_days_ago), dt.time(hour, minute)))
        return min(moment, self.latest - dt.timedelta(minutes=1))


def build_hazard_demo(demo) -> dict[str, int]:
    """Called at the end of `putright demo`; returns how many hazards of each state it made."""
    clock = _Clock(demo.today)
    actor = demo.handlers[0]
    residents = list(Resident.objects.order_by("id")[:12])
    area = ServiceArea.objects.filter(name="Damp and mould").first()
    ensure_kinds()
    kinds = {k.name: k for k in HazardKind.objects.all()}
    damp = kinds["Damp and mould growth"]
    counts: dict[str, int] = {}

    def report(n, resident_index, aware, words, *, category=SIGNIFICANT, kind=damp, how=AwareHow.RESIDENT_REPORT):
        resident = residents[resident_index % len(residents)]
        case = case_actions.log_case(
            kind=Kind.SERVICE_REQUEST, received_on=timezone.localtime(aware).date(), description=words,
            channel="phone", resident=resident, service_area=area, today=demo.today, actor=actor,
        )
        counts[n] = counts.get(n, 0) + 1
        return actions.raise_hazard(
            case, kind=kind, category=category, aware_at=aware, aware_how=how, description=words,
            home=resident.address or f"{10 + resident_index} Riverside Court, RB1 {resident_index}AA", actor=actor,
        )

    def investigate(r, at, outcome=Outcome.SIGNIFICANT_FOUND, findings="Mould on the external wall of the bedroom; the extractor fan has failed."):
        return actions.record_investigation(r, concluded_at=at, investigator="Dana Price, damp and mould surveyor", findings=findings, outcome=outcome, actor=actor)

    # Significant, waiting for the investigation, not yet due.
    report("awaiting investigation", 0, clock.at(8, 14, 10), "Black mould spreading in the children's bedroom.")
    # Significant, investigation overdue despite an attempt to get in.
    r = report("investigation overdue", 1, clock.at(14, 9, 40), "Damp patch and mould above the bath, getting worse.")
    actions.record_reasonable_step(r, on=clock.day(10), kind=StepKind.NO_ACCESS, details="Surveyor called at 9:15 and 13:30; no answer. Card left; text sent.", actor=actor)
    # Significant, investigated, the written summary still to give; the resident has complained.
    r = report("awaiting written summary", 2, clock.at(9, 11, 5), "Mould on the walls and ceiling of the living room; my son has asthma.")
    investigate(r, clock.at(2, 15, 0))
    case_actions.convert_to_complaint(
        r.case, received_on=clock.day(1), description="Nobody has told me what the surveyor found or when the mould will be dealt with.",
        channel="phone", today=demo.today, actor=actor,
    )
    # Significant, made safe, preventative work begun, waiting to start on site.
    r = report("works under way", 3, clock.at(30, 10, 20), "Condensation and mould in the kitchen.")
    investigate(r, clock.at(24, 12, 0))
    actions.record_summary(r, given_on=clock.day(22), actor=actor)
    actions.record_safety_work(r, done_at=clock.at(20, 15, 0), work="Mould wash and treatment; new extractor fan fitted.", actor=actor)
    actions.record_preventative_work(r, work="Insulate the external wall of the kitchen.", begun_on=clock.day(19), actor=actor)
    actions.record_update(r, given_on=clock.day(5), method="Phone", summary="Insulation works booked with the contractor; start date to follow.", actor=actor)
    # Significant, every step on time, closed.
    r = report("all steps met, closed", 4, clock.at(120, 9, 0), "Mould in the bathroom and hallway.")
    investigate(r, clock.at(115, 11, 0))
    actions.record_summary(r, given_on=clock.day(113), actor=actor)
    actions.record_safety_work(r, done_at=clock.at(111, 14, 0), work="Mould treatment; bathroom fan replaced.", actor=actor)
    actions.record_preventative_work(r, work="Loft insulation topped up; trickle vents fitted.", begun_on=clock.day(110), started_on=clock.day(90), completed_on=clock.day(80), actor=actor)
    actions.close_hazard(r, closed_on=clock.day(80), reason="Work complete; the resident confirmed the mould has not returned.", actor=actor)
    # Significant report, no hazard found.
    r = report("no hazard found, closed", 5, clock.at(40, 16, 45), "Damp smell in the spare room.")
    investigate(r, clock.at(35, 10, 0), Outcome.NO_HAZARD, "Moisture readings normal; no mould. The smell came from a blocked drain outside, now cleared.")
    actions.record_summary(r, given_on=clock.day(34), actor=actor)
    actions.close_hazard(r, closed_on=clock.day(34), reason="No hazard found; summary sent.", actor=actor)
    # Significant, steps missed; the resident complained.
    r = report("steps missed, complaint made", 6, clock.at(60, 10, 0), "Mould across the bedroom ceiling; my baby is coughing.")
    investigate(r, clock.at(46, 14, 0))
    actions.record_summary(r, given_on=clock.day(40), actor=actor)
    actions.record_safety_work(r, done_at=clock.at(38, 12, 0), work="Mould wash; dehumidifier supplied.", actor=actor)
    case_actions.convert_to_complaint(
        r.case, received_on=clock.day(45), description="It took three weeks for anyone to look at the mould in my baby's room.",
        channel="email", today=demo.today, actor=actor,
    )
    # Emergency, due within the next 24 hours.
    report("emergency due within 24 hours", 7, clock.latest - dt.timedelta(hours=2), "Exposed live wires where the ceiling light fell.", category=EMERGENCY, kind=kinds["Electrical hazards"])
    # Emergency, made safe in time, closed.
    aware = clock.at(15, 21, 30)
    r = report("emergency made safe in time, closed", 8, aware, "Strong smell of gas in the kitchen.", category=EMERGENCY, kind=kinds["Uncombusted fuel gas"])
    investigate(r, aware + dt.timedelta(hours=2), Outcome.EMERGENCY_FOUND, "Leaking joint on the cooker supply.")
    actions.record_safety_work(r, done_at=aware + dt.timedelta(hours=3), work="Supply capped; joint replaced and tested.", actor=actor)
    actions.close_hazard(r, closed_on=timezone.localtime(aware + dt.timedelta(hours=24)).date(), reason="Made safe and repaired.", actor=actor)
    # Emergency, missed, the household in alternative accommodation.
    aware = clock.at(6, 18, 0)
    r = report("emergency missed, in alternative accommodation", 9, aware, "Part of the bedroom ceiling has come down.", category=EMERGENCY, kind=kinds["Structural collapse and falling elements"])
    actions.record_reasonable_step(r, on=clock.day(6), kind=StepKind.CONTRACTOR, details="Out-of-hours contractor had no structural engineer until the morning.", actor=actor)
    investigate(r, aware + dt.timedelta(hours=30), Outcome.EMERGENCY_FOUND, "Ceiling joists rotten from a long-standing roof leak.")
    actions.record_accommodation(r, offered_on=clock.day(5), accepted=True, moved_on=clock.day(5), actor=actor)
    actions.record_update(r, given_on=clock.day(2), method="Visit", summary="Roof repair booked; the family stays in the hotel until the ceiling is replaced.", actor=actor)
    return counts

"""Build a letter's required parts from the case's structured record.

`build_sections(case, kind, stage_number)` returns a plain, JSON-ready dict: what the Code requires
the letter to say, taken from the record (the stage's definition and responsibility, its dates,
the decision and reasons on each point, remedies with what and by when, outstanding actions, the
extension, the refusal, and how to escalate with the landlord's and the Ombudsman's contact
details). `checks.missing` reads the same dict, so what is checked is exactly what is printed.

`applicable_kinds(case)` says which letters fit the case as it stands.
"""

from __future__ import annotations

import datetime as dt

from putright.cases.models import Case, LandlordSettings, Stage
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Kind, State, stage_of

from .models import LetterKind

ACKNOWLEDGEMENTS = {1: LetterKind.STAGE1_ACKNOWLEDGEMENT, 2: LetterKind.STAGE2_ACKNOWLEDGEMENT}
RESPONSES = {1: LetterKind.STAGE1_RESPONSE, 2: LetterKind.STAGE2_RESPONSE}
DECISION_WORDS = {
    "upheld": "upheld",
    "partly_upheld": "partly upheld",
    "not_upheld": "not upheld",
}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def current_stage_number(case: Case) -> int | None:
    """The stage a letter now would be about: the state's stage, or the last stage once a case is
    refused, closed or withdrawn."""
    number = stage_of(State(case.state)) if case.kind == Kind.COMPLAINT else None
    if number is None and case.kind == Kind.COMPLAINT:
        stages = sorted(case.stages.all(), key=lambda s: s.number)
        number = stages[-1].number if stages else None
    return number


def applicable_kinds(case: Case) -> list[tuple[str, int | None]]:
    """The letters that fit the case: the complaint's (below), and the written summary of a
    hazard investigation still owed to the resident (Awaab's Law), on any case it was raised on."""
    from putright.hazards.letters import report_awaiting_summary

    kinds: list[tuple[str, int | None]] = list(_complaint_kinds(case))
    if report_awaiting_summary(case) is not None:
        kinds.append((LetterKind.HAZARD_SUMMARY.value, None))
    return kinds


def _complaint_kinds(case: Case) -> list[tuple[str, int]]:
    """(kind, stage number) for each letter that fits the current stage of the case.

    Within the current stage every letter whose event has happened applies (a handler who
    acknowledged and answered on one day may still send both), and a refused case takes the
    refusal letter. Service requests and compliments get none.
    """
    if case.kind != Kind.COMPLAINT or case.state == State.WITHDRAWN:
        return []
    number = current_stage_number(case)
    if case.state == State.REFUSED:
        refusal = case.latest_refusal
        return [(LetterKind.REFUSAL.value, refusal.stage_number if refusal else number)]
    stage = case.stage(number) if number else None
    if stage is None:
        return []
    kinds = []
    if stage.acknowledged_on:
        kinds.append((ACKNOWLEDGEMENTS[number].value, number))
    if stage.extensions.all():
        kinds.append((LetterKind.EXTENSION.value, number))
    if stage.responded_on:
        kinds.append((RESPONSES[number].value, number))
    return kinds


def stage_number_for(case: Case, kind: str) -> int | None:
    if kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE1_RESPONSE):
        return 1
    if kind in (LetterKind.STAGE2_ACKNOWLEDGEMENT, LetterKind.STAGE2_RESPONSE):
        return 2
    if kind == LetterKind.HAZARD_SUMMARY:
        return None
    if kind == LetterKind.REFUSAL:
        refusal = case.latest_refusal
        return refusal.stage_number if refusal else current_stage_number(case)
    return current_stage_number(case)


def _ombudsman(landlord: LandlordSettings) -> dict:
    return {
        "housing_ombudsman": (landlord.housing_ombudsman_contact or "").strip(),
        # A council answers to the LGSCO too for some matters (handbook: "Which Ombudsman").
        "lgsco": (landlord.lgsco_contact or "").strip() if landlord.is_council else "",
    }


def _definition(stage: Stage | None) -> dict:
    return {
        "definition": (stage.definition if stage else "").strip(),
        "outcomes_sought": (stage.outcomes_sought if stage else "").strip(),
    }


def build_sections(case: Case, kind: str, stage_number: int | None) -> dict:
    """The required parts of a `kind` letter about stage `stage_number` of `case`, from the record."""
    landlord = LandlordSettings.load()
    stage = case.stage(stage_number) if stage_number else None
    sections: dict = {
        "kind": str(kind),
        "stage": stage_number,
        "reference": case.reference,
        "received_on": _iso(stage.requested_on if stage else case.received_on),
        "landlord": {
            "name": landlord.name,
            "complaints_email": landlord.complaints_email.strip(),
            "complaints_phone": landlord.complaints_phone.strip(),
        },
    }
    if kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.STAGE2_ACKNOWLEDGEMENT):
        sections.update(_definition(stage))
        sections["responsible_for"] = (stage.responsible_for if stage else "").strip()
        sections["not_responsible_for"] = (stage.not_responsible_for if stage else "").strip()
        sections["acknowledged_on"] = _iso(stage.acknowledged_on if stage else None)
        sections["respond_by"] = _iso(stage.respond_by if stage and stage.acknowledged_on else None)
    elif kind == LetterKind.EXTENSION:
        extensions = sorted(stage.extensions.all(), key=lambda e: e.id) if stage else []
        ext = extensions[-1] if extensions else None
        sections["extension"] = {
            "reason": (ext.reason if ext else "").strip(),
            "previous_respond_by": _iso(ext.previous_respond_by if ext else None),
            "new_respond_by": _iso(ext.new_respond_by if ext else None),
            "update_every_working_days": ext.update_every_working_days if ext else None,
        }
        sections["ombudsman"] = _ombudsman(landlord)
    elif kind == LetterKind.REFUSAL:
        refusal = case.latest_refusal
        reason_label = ""
        if refusal is not None and refusal.reason in {r.value for r in RefusalReason}:
            reason_label = REFUSAL_REASON_LABELS[RefusalReason(refusal.reason)]
        sections["refusal"] = {
            "stage": refusal.stage_number if refusal else stage_number,
            "refused_on": _iso(refusal.refused_on if refusal else None),
            "reason": reason_label,
            "explanation": (refusal.explanation if refusal else "").strip(),
        }
        sections["ombudsman"] = _ombudsman(landlord)
    elif kind == LetterKind.HAZARD_SUMMARY:
        from putright.hazards.letters import summary_sections

        sections.update(summary_sections(case))
    elif kind in (LetterKind.STAGE1_RESPONSE, LetterKind.STAGE2_RESPONSE):
        sections.update(_definition(stage))
        sections["responded_on"] = _iso(stage.responded_on if stage else None)
        sections["decision"] = DECISION_WORDS.get(stage.decision, "") if stage else ""
        sections["points"] = [
            {
                "point": p.point.strip(),
                "decision": DECISION_WORDS.get(p.decision, ""),
                "reasons": p.reasons.strip(),
            }
            for p in (sorted(stage.points.all(), key=lambda p: (p.position, p.id)) if stage else [])
        ]
        # Every remedy offered so far on the case: at stage 2 the resident sees the whole picture.
        sections["remedies"] = [
            {
                "kind": r.get_kind_display(),
                "what": r.description.strip(),
                "amount": f"£{r.amount:,.2f}" if r.amount is not None else "",
                "method": r.get_payment_method_display() if r.payment_method else "",
                "due_by": _iso(r.due_by),
                "completed_on": _iso(r.completed_on),
            }
            for r in sorted(case.remedies.all(), key=lambda r: r.id)
            if r.stage_number is None or r.stage_number <= (stage_number or 2)
        ]
        sections["actions"] = [
            {
                "what": a.description.strip(),
                "due_by": _iso(a.due_by),
                "who": a.owner.display_name if a.owner else a.owner_name,
            }
            for a in sorted(case.actions.all(), key=lambda a: (a.due_by, a.id))
            if a.completed_on is None
        ]
        # Awaab's Law: each legal step on a hazard this complaint is about, met or missed.
        from putright.hazards.letters import response_hazards

        sections["hazards"] = response_hazards(case)
        if stage_number == 1:
            sections["escalation"] = {
                "to": "stage 2",
                "email": landlord.complaints_email.strip(),
                "phone": landlord.complaints_phone.strip(),
            }
        else:
            sections["escalation"] = {"to": "ombudsman", **_ombudsman(landlord)}
    return sections

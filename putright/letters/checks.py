"""Which parts the Code requires of a letter are missing or empty. Pure: no Django, no database.

`missing(kind, sections, body)` takes the required parts as `drafting.build_sections` built them
and the edited wording, and returns one `Missing` per gap, each naming the Code provision it
protects. An empty list means the letter may be issued. The provisions:

- acknowledgement (stage 1 and 2): the complaint definition and the outcomes sought (5.6); what
  the landlord is responsible for (5.7); the date of the response (6.3 at stage 1, 6.14 at stage 2).
- extension: the reason and the new date, and the Ombudsman's contact details (6.5 at stage 1,
  6.16 at stage 2); how often the resident will be updated (5.9).
- refusal, to accept or to escalate: the reasons, and the right to take the decision to the
  Ombudsman with its contact details (2.4; 5.11 applies the same to escalation).
- stage 1 response (6.9) and stage 2 response (6.19): a) the stage; b) the definition; c) the
  decision; d) the reasons for each decision; e) any remedy offered, each saying what will happen
  and, unless already done, by when (7.3); f) outstanding actions, each with what and by when;
  g) how to escalate: to stage 2 (the landlord's email or phone), or to the Ombudsman.
"""

from __future__ import annotations

from dataclasses import dataclass

REQUIRED_MARKER = "{{ required }}"  # the same text as models.REQUIRED_MARKER


@dataclass(frozen=True)
class Missing:
    element: str  # a short key, e.g. "points.2.reasons"
    provision: str  # the Code provision, e.g. "6.9 d"
    message: str  # what to put right, in plain words

    def __str__(self) -> str:
        return f"{self.message} (Code {self.provision})"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _acknowledgement(s: dict) -> list[Missing]:
    out = []
    if _blank(s.get("definition")):
        out.append(Missing("definition", "5.6", "Set out our understanding of the complaint (the complaint definition)."))
    if _blank(s.get("outcomes_sought")):
        out.append(Missing("outcomes_sought", "5.6", "Set out the outcomes the resident wants."))
    if _blank(s.get("responsible_for")):
        out.append(Missing("responsible_for", "5.7", "Say which parts of the complaint we are responsible for (and any we are not)."))
    if _blank(s.get("respond_by")):
        provision = "6.3" if s.get("stage") == 1 else "6.14"
        out.append(Missing("respond_by", provision, "Give the date by which we will respond."))
    return out


def _ombudsman_details(s: dict, element: str, provision: str, why: str) -> list[Missing]:
    if _blank((s.get("ombudsman") or {}).get("housing_ombudsman")):
        return [Missing(element, provision, f"Give the Housing Ombudsman's contact details {why} (set them in Settings).")]
    return []


def _extension(s: dict) -> list[Missing]:
    provision = "6.5" if s.get("stage") == 1 else "6.16"
    ext = s.get("extension") or {}
    out = []
    if _blank(ext.get("reason")):
        out.append(Missing("extension.reason", provision, "Explain why we need more time."))
    if _blank(ext.get("new_respond_by")):
        out.append(Missing("extension.new_respond_by", provision, "Give the new date for our response."))
    if not ext.get("update_every_working_days"):
        out.append(Missing("extension.update_every_working_days", "5.9", "Say how often we will update the resident, as agreed with them."))
    out += _ombudsman_details(s, "ombudsman", provision, "with the new date")
    return out


def _refusal(s: dict) -> list[Missing]:
    refusal = s.get("refusal") or {}
    out = []
    if _blank(refusal.get("explanation")) or _blank(refusal.get("reason")):
        what = "not accepting the complaint" if refusal.get("stage", 1) == 1 else "not escalating the complaint (5.11)"
        out.append(Missing("refusal.reasons", "2.4", f"Explain our reasons for {what}."))
    out += _ombudsman_details(s, "ombudsman", "2.4", "and the resident's right to take this decision to the Ombudsman")
    return out


def _response(s: dict, stage: int) -> list[Missing]:
    p = "6.9" if stage == 1 else "6.19"
    out = []
    if s.get("stage") != stage:
        out.append(Missing("stage", f"{p} a", "Say which stage of the complaints process this response is."))
    if _blank(s.get("definition")):
        out.append(Missing("definition", f"{p} b", "Set out the complaint definition."))
    points = s.get("points") or []
    if _blank(s.get("decision")):
        out.append(Missing("decision", f"{p} c", "Record the decision on the complaint."))
    if not points:
        out.append(Missing("points", f"{p} d", "Record the decision on each point of the complaint, with the reasons."))
    for i, point in enumerate(points, start=1):
        if _blank(point.get("point")) or _blank(point.get("decision")):
            out.append(Missing(f"points.{i}.decision", f"{p} c", f"Point {i}: say what the point is and the decision on it."))
        if _blank(point.get("reasons")):
            out.append(Missing(f"points.{i}.reasons", f"{p} d", f"Point {i}: give the reasons for the decision."))
    for i, remedy in enumerate(s.get("remedies") or [], start=1):
        if _blank(remedy.get("what")):
            out.append(Missing(f"remedies.{i}.what", f"{p} e", f"Remedy {i}: say what we will do to put things right."))
        if _blank(remedy.get("due_by")) and _blank(remedy.get("completed_on")):
            out.append(Missing(f"remedies.{i}.due_by", "7.3", f"Remedy {i}: say by when it will happen."))
    for i, action in enumerate(s.get("actions") or [], start=1):
        if _blank(action.get("what")):
            out.append(Missing(f"actions.{i}.what", f"{p} f", f"Outstanding action {i}: say what still needs to be done."))
        if _blank(action.get("due_by")):
            out.append(Missing(f"actions.{i}.due_by", f"{p} f", f"Outstanding action {i}: say by when it will be done."))
    route = s.get("escalation") or {}
    if stage == 1:
        if _blank(route.get("email")) and _blank(route.get("phone")):
            out.append(Missing("escalation", "6.9 g", "Say how to escalate to stage 2: set the complaints email or phone in Settings."))
    elif _blank(route.get("housing_ombudsman")):
        out.append(Missing("escalation", "6.19 g", "Say how to take the complaint to the Housing Ombudsman: set its contact details in Settings."))
    return out


def _hazard_summary(s: dict) -> list[Missing]:
    """Awaab's Law: a written summary of the investigation's findings (not a Code provision, so
    the `provision` names the law)."""
    h = s.get("hazard") or {}
    law = "Awaab's Law"
    if not h:
        return [Missing("hazard", law, "There is no investigated hazard on this case waiting for its written summary.")]
    out = []
    for key, message in (
        ("investigated", "Record when the investigation concluded."),
        ("investigator", "Record who investigated."),
        ("outcome", "Record what the investigation found."),
        ("findings", "Write down the investigation's findings."),
    ):
        if _blank(h.get(key)):
            out.append(Missing(f"hazard.{key}", law, message))
    if h.get("found") and _blank(h.get("safety_work_by")):
        out.append(Missing("hazard.safety_work_by", law, "Say by when the home will be made safe."))
    return out


_BY_KIND = {
    "stage1_acknowledgement": (_acknowledgement, "5.6"),
    "stage2_acknowledgement": (_acknowledgement, "5.6"),
    "extension": (_extension, None),
    "refusal": (_refusal, "2.4"),
    "stage1_response": (lambda s: _response(s, 1), "6.9"),
    "stage2_response": (lambda s: _response(s, 2), "6.19"),
    "hazard_summary": (_hazard_summary, "Awaab's Law"),
}


def missing(kind: str, sections: dict, body: str) -> list[Missing]:
    """Every required part of a `kind` letter that is missing or empty (see the module docstring)."""
    check, marker_provision = _BY_KIND[kind]
    out = []
    if REQUIRED_MARKER not in (body or ""):
        provision = marker_provision or ("6.5" if sections.get("stage") == 1 else "6.16")
        out.append(
            Missing(
                "wording",
                provision,
                f"Put {REQUIRED_MARKER} back in the wording: it is where the parts the Code requires are printed.",
            )
        )
    return out + check(sections)

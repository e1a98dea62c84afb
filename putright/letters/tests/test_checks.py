"""checks.missing: pure, no database. Each required element, when missing, is named with its
provision; a complete set of sections has no gaps."""

import copy

import pytest

from putright.letters.checks import REQUIRED_MARKER, missing

BODY = f"<p>Dear Rita,</p>{REQUIRED_MARKER}<p>Thanks.</p>"
OMBUDSMAN = {"housing_ombudsman": "Housing Ombudsman Service, PO Box 1484", "lgsco": ""}

COMPLETE = {
    "stage1_acknowledgement": {"stage": 1, "definition": "Leak", "outcomes_sought": "Fix it", "responsible_for": "The repair", "not_responsible_for": "", "respond_by": "2026-11-18"},
    "stage2_acknowledgement": {"stage": 2, "definition": "Leak", "outcomes_sought": "Fix it", "responsible_for": "The repair", "not_responsible_for": "", "respond_by": "2026-12-17"},
    "extension": {"stage": 1, "extension": {"reason": "Waiting for a report", "new_respond_by": "2026-11-25", "update_every_working_days": 5}, "ombudsman": OMBUDSMAN},
    "refusal": {"stage": 1, "refusal": {"stage": 1, "reason": "Legal proceedings have started", "explanation": "A claim was filed."}, "ombudsman": OMBUDSMAN},
    "stage1_response": {
        "stage": 1, "definition": "Leak", "decision": "upheld",
        "points": [{"point": "Late repair", "decision": "upheld", "reasons": "Booked late"}],
        "remedies": [{"what": "Apology", "due_by": None, "completed_on": "2026-11-16"}, {"what": "£150", "due_by": "2026-12-04", "completed_on": None}],
        "actions": [{"what": "Replace worktop", "due_by": "2026-12-11"}],
        "escalation": {"to": "stage 2", "email": "complaints@example.org", "phone": ""},
    },
}
COMPLETE["stage2_response"] = {**copy.deepcopy(COMPLETE["stage1_response"]), "stage": 2, "escalation": {"to": "ombudsman", **OMBUDSMAN}}


def _set(d: dict, path: str, value):
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[int(k)] if isinstance(d, list) else d[k]
    last = keys[-1]
    if isinstance(d, list):
        d[int(last)] = value
    else:
        d[last] = value


# (kind, element path, emptied value, provision expected)
GAPS = [
    ("stage1_acknowledgement", "definition", "", "5.6"),
    ("stage1_acknowledgement", "outcomes_sought", " ", "5.6"),
    ("stage1_acknowledgement", "responsible_for", "", "5.7"),
    ("stage1_acknowledgement", "respond_by", None, "6.3"),
    ("stage2_acknowledgement", "definition", "", "5.6"),
    ("stage2_acknowledgement", "responsible_for", "", "5.7"),
    ("stage2_acknowledgement", "respond_by", None, "6.14"),
    ("extension", "extension.reason", "", "6.5"),
    ("extension", "extension.new_respond_by", None, "6.5"),
    ("extension", "extension.update_every_working_days", None, "5.9"),
    ("extension", "ombudsman.housing_ombudsman", "", "6.5"),
    ("refusal", "refusal.explanation", "", "2.4"),
    ("refusal", "refusal.reason", "", "2.4"),
    ("refusal", "ombudsman.housing_ombudsman", "", "2.4"),
    ("stage1_response", "stage", None, "6.9 a"),
    ("stage1_response", "definition", "", "6.9 b"),
    ("stage1_response", "decision", "", "6.9 c"),
    ("stage1_response", "points.0.decision", "", "6.9 c"),
    ("stage1_response", "points", [], "6.9 d"),
    ("stage1_response", "points.0.reasons", "", "6.9 d"),
    ("stage1_response", "remedies.1.what", "", "6.9 e"),
    ("stage1_response", "remedies.1.due_by", None, "7.3"),
    ("stage1_response", "actions.0.what", "", "6.9 f"),
    ("stage1_response", "actions.0.due_by", None, "6.9 f"),
    ("stage1_response", "escalation.email", "", "6.9 g"),
    ("stage2_response", "definition", "", "6.19 b"),
    ("stage2_response", "decision", "", "6.19 c"),
    ("stage2_response", "points.0.reasons", "", "6.19 d"),
    ("stage2_response", "remedies.1.what", "", "6.19 e"),
    ("stage2_response", "remedies.1.due_by", None, "7.3"),
    ("stage2_response", "actions.0.what", "", "6.19 f"),
    ("stage2_response", "escalation.housing_ombudsman", "", "6.19 g"),
]


@pytest.mark.parametrize("kind", sorted(COMPLETE))
def test_it_finds_nothing_missing_in_a_complete_letter(kind):
    assert missing(kind, COMPLETE[kind], BODY) == []


@pytest.mark.parametrize(("kind", "path", "value", "provision"), GAPS)
def test_it_names_the_provision_of_each_missing_element(kind, path, value, provision):
    sections = copy.deepcopy(COMPLETE[kind])
    _set(sections, path, value)
    gaps = missing(kind, sections, BODY)
    assert [g.provision for g in gaps] == [provision], gaps
    assert f"(Code {provision})" in str(gaps[0])


def test_it_accepts_a_remedy_already_done_without_a_due_date():
    sections = copy.deepcopy(COMPLETE["stage1_response"])
    assert sections["remedies"][0]["due_by"] is None
    assert missing("stage1_response", sections, BODY) == []


def test_it_accepts_a_stage1_route_by_phone_only():
    sections = copy.deepcopy(COMPLETE["stage1_response"])
    sections["escalation"] = {"to": "stage 2", "email": "", "phone": "0300 123 4567"}
    assert missing("stage1_response", sections, BODY) == []


def test_it_needs_a_stage2_extension_to_name_6_16():
    sections = copy.deepcopy(COMPLETE["extension"])
    sections["stage"] = 2
    sections["extension"]["reason"] = ""
    assert [g.provision for g in missing("extension", sections, BODY)] == ["6.16"]


@pytest.mark.parametrize(("kind", "provision"), [("stage1_acknowledgement", "5.6"), ("extension", "6.5"), ("refusal", "2.4"), ("stage1_response", "6.9"), ("stage2_response", "6.19")])
def test_it_refuses_wording_without_the_required_marker(kind, provision):
    gaps = missing(kind, COMPLETE[kind], "<p>Dear Rita, we have decided.</p>")
    assert [g.element for g in gaps] == ["wording"]
    assert gaps[0].provision == provision


def test_it_lists_every_gap_not_just_the_first():
    sections = copy.deepcopy(COMPLETE["stage1_response"])
    sections["definition"] = ""
    sections["points"][0]["reasons"] = ""
    sections["escalation"]["email"] = ""
    assert [g.provision for g in missing("stage1_response", sections, BODY)] == ["6.9 b", "6.9 d", "6.9 g"]

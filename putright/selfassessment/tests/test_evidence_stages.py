"""Evidence from the stages: the complaint definition and responsibility (5.6, 5.7), keeping the
resident informed (5.9), the Ombudsman's details with an extension (6.5, 6.16), decisions on every
point (6.7, 6.18), response letters (6.9, 6.19) and escalation (6.10)."""

from __future__ import annotations

import pytest

from putright.cases import actions
from putright.letters import actions as letters
from putright.letters import render
from putright.letters.models import LetterKind
from putright.letters.tests.factories import landlord
from putright.reports.tests.histories import complaint as imported_complaint
from putright.reports.tests.histories import load, wd
from putright.rules.exclusions import RefusalReason
from putright.selfassessment import evidence as data

from .history import (
    DAY,
    TODAY,
    acknowledge,
    answered,
    complaint,
    escalated,
    evidence,
    respond,
)


@pytest.fixture
def stages(handler, other_handler):
    """Three complaints handled in PutRight, one taken to stage 2, and one imported from another
    system, which carries no definition, no points and no details of its extension."""
    clean = escalated(answered(handler, description="A"), handler, other_handler)
    unclear = acknowledge(complaint(handler, description="B"), handler, responsible_for="", not_responsible_for="")
    respond(unclear, handler, after=12)  # two working days after the Code's date, no extension
    extended = acknowledge(complaint(handler, description="C"), handler)
    code = extended.stages.get(number=1).code_respond_by
    actions.extend(extended, new_respond_by=wd(code, 5), reason="Waiting for the surveyor.", resident_told_on=wd(DAY, 8),
                   update_every_working_days=3, actor=handler, today=wd(DAY, 8))
    actions.send_another_way(extended, step="extension", sent_on=wd(DAY, 8), method="email", actor=handler, today=wd(DAY, 8),
                             text="We need more time. You can contact the Housing Ombudsman on 0300 111 3000.")
    respond(extended, handler, after=13, n=3)  # after the Code's date, inside the extension
    load([imported_complaint("IMP-2", DAY, extend_by=5, respond_after=12)])
    return {"clean": clean, "unclear": unclear, "extended": extended}


def test_it_counts_acknowledgements_with_the_complaint_definition(stages):
    item = evidence()["5.6"]
    assert item.sentence == (
        "3 of 4 stage 1 and 1 of 1 stage 2 acknowledgements in 2025/26 recorded the complaint definition and the "
        "outcomes the resident seeks; 1 did not (1 of them imported from earlier records)."
    )
    assert item.counts == {"acknowledged": 5, "stage1_defined": 3, "stage2_defined": 1, "not_defined": 1, "imported": 1}
    assert item.failures == 1 and item.references == ("IMP-2",)
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 acknowledgement with no complaint definition "
                                         "or outcomes sought recorded (1 of them imported from earlier records).")
    assert data.warning(item, "no") == ""


def test_acknowledgements_all_defined_give_no_warning(handler):
    answered(handler)
    item = evidence()["5.6"]
    assert item.counts["not_defined"] == 0 and data.warning(item, "yes") == ""


def test_it_counts_what_acknowledgements_say_about_responsibility(stages):
    item = evidence()["5.7"]
    assert item.sentence == ("Of the 5 acknowledgements at stage 1 or 2 in 2025/26, 3 recorded which aspects of the complaint "
                             "the landlord is responsible for and 3 recorded aspects it is not responsible for.")
    assert not item.failures  # a blank "not responsible for" is no breach: it may all be ours


def test_it_finds_late_responses_with_no_agreed_updates(stages):
    item = evidence()["5.9"]
    assert item.sentence == (
        "3 of the 5 stage 1 and 2 responses sent in 2025/26 came after the Code's date; for 1 of them an interval for "
        "keeping the resident informed was agreed with an extension, for 2 none is recorded (1 of them imported from "
        "earlier records)."
    )
    assert item.failures == 2
    assert item.references == tuple(sorted([stages["unclear"].reference, "IMP-2"]))
    assert data.warning(item, "yes").startswith("Answered yes, but the figures show 2 responses after the Code's date")


def test_responses_on_time_or_with_agreed_updates_give_no_warning(handler):
    answered(handler)
    assert evidence()["5.9"].sentence == "None of the 1 stage 1 and 2 responses sent in 2025/26 came after the Code's date."
    assert data.warning(evidence()["5.9"], "yes") == ""


def test_it_counts_extensions_with_the_ombudsmans_details(stages):
    found = evidence()
    item = found["6.5"]
    assert item.sentence == ("1 of the 2 extensions to the stage 1 responses sent in 2025/26 record that the resident was "
                             "given the Ombudsman's contact details; 1 does not (1 of them imported from earlier records).")
    assert item.failures == 1 and item.references == ("IMP-2",) and item.list_key == "stage1.responded_with_extension"
    assert data.warning(item, "yes").startswith("Answered yes, but the figures show 1 extension with no record of the Ombudsman's")
    assert found["6.16"].sentence == "No stage 2 response sent in 2025/26 had been extended."
    assert data.warning(found["6.16"], "yes") == ""


def test_it_counts_responses_with_a_decision_on_every_point(stages):
    found = evidence()
    assert found["6.7"].sentence == (
        "3 of 4 stage 1 responses sent in 2025/26 have a decision with reasons recorded on each point of the complaint "
        "(5 points in all); 1 has no decision recorded on the points (1 of them imported from earlier records)."
    )
    assert found["6.7"].failures == 1 and found["6.7"].references == ("IMP-2",)
    assert found["6.7"].list_key == "stage1.responded"
    assert found["6.18"].sentence == ("1 of 1 stage 2 (final) responses sent in 2025/26 have a decision with reasons recorded "
                                      "on each point of the complaint (1 point in all).")
    assert data.warning(found["6.18"], "yes") == ""
    # A point whose reasons were emptied afterwards (by the admin) is a failure too.
    stages["clean"].stages.get(number=2).points.update(reasons="")
    item = evidence()["6.18"]
    assert item.failures == 1 and item.references == (stages["clean"].reference,)
    assert item.sentence.endswith("; 1 has a point with no reasons recorded.")


def test_it_counts_responses_sent_as_putright_letters(stages, handler, monkeypatch):
    monkeypatch.setattr(render, "pdf_bytes", lambda html: b"%PDF-1.4 stand-in")  # WeasyPrint is tested in letters
    landlord()
    letter = letters.draft_letter(stages["extended"], LetterKind.STAGE1_RESPONSE, actor=handler)
    letters.issue_letter(letter, handler, today=TODAY)
    found = evidence()
    assert found["6.9"].sentence == (
        "1 of 4 stage 1 responses sent in 2025/26 went out as a PutRight stage 1 response letter, which is checked for "
        "the parts 6.9 a–g before it can be issued; the other 3 have no response letter issued in PutRight."
    )
    assert found["6.9"].counts == {"responded": 4, "letters": 1, "without_letter": 3} and not found["6.9"].failures
    assert found["6.19"].counts == {"responded": 1, "letters": 0, "without_letter": 1}


def test_it_counts_escalations(stages, handler):
    refused = answered(handler, description="D")
    actions.request_stage_two(refused, requested_on=wd(DAY, 9), actor=handler, today=TODAY)
    actions.refuse(refused, refused_on=wd(DAY, 10), reason=RefusalReason.LEGAL_PROCEEDINGS, explanation="A claim was filed at court.",
                   ombudsman_rights_given=True, proceedings_started_on=wd(DAY, 9), today=wd(DAY, 10))
    item = evidence()["6.10"]
    assert item.sentence == ("Stage 2 in 2025/26: 1 request logged and 1 escalation refused (see 5.11); 2 of the 5 stage 1 "
                             "responses sent in 2025/26 have been followed by a request for stage 2.")
    assert item.list_key == "stage2.received" and not item.failures


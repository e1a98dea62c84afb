"""The Code self-assessment: the provisions, the data evidence and its warnings, the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from putright.accounts.models import Role, User
from putright.cases.models import Refusal, Stage
from putright.reports.tests.histories import complaint, escalate, load, wd
from putright.selfassessment import evidence as data
from putright.selfassessment.models import Answer, SelfAssessment
from putright.selfassessment.provisions import NUMBERS, PROVISIONS

YEAR = 2025
DAY = dt.date(2025, 6, 2)  # a Monday in 2025/26


# --- provisions ------------------------------------------------------------------------------------

# How many provisions each section has in the Code (and in the landlords' published tables).
SECTION_SIZES = {1: 5, 2: 5, 3: 7, 4: 3, 5: 15, 6: 20, 7: 4, 8: 5, 9: 8}


def test_it_lists_every_provision_from_1_2_to_9_8_without_gaps():
    assert len(PROVISIONS) == 72 == len(set(NUMBERS))
    expected = [f"{s}.{i}" for s, size in SECTION_SIZES.items() for i in range(2 if s == 1 else 1, size + (2 if s == 1 else 1))]
    assert list(NUMBERS) == expected
    assert NUMBERS[0] == "1.2" and NUMBERS[-1] == "9.8"
    for number, section, text in PROVISIONS:
        assert section and len(text) > 40, number
        assert "<" not in text and "  " not in text, number
    by = dict((n, t) for n, _, t in PROVISIONS)
    assert by["6.2"] == "Complaints must be acknowledged, defined and logged at stage 1 of the complaints procedure within five working days of the complaint being received."
    assert by["6.13"] == "The person considering the complaint at stage 2 must not be the same person that considered the complaint at stage 1."
    assert by["1.5"].endswith("Landlords must not stop their efforts to address the service request if the resident complains.")


def test_it_matches_the_other_seeds_tables():
    """Every seed holding the Code table quotes the same numbers (the text we keep is seed 000's)."""
    import glob

    paths = sorted(glob.glob("/work/shared/seeds/00[0-4]_*.txt"))
    if not paths:
        pytest.skip("the seed documents are not on this machine")
    tables = 0
    for path in paths:
        found = set(re.findall(r"^(\d\.\d{1,2})\t", open(path, encoding="utf-8").read(), flags=re.M))
        if found:
            tables += 1
            assert found == set(NUMBERS), path
    assert tables >= 1


# --- evidence ---------------------------------------------------------------------------------------


def test_it_counts_stage_1_acknowledgements_and_responses(db):
    load([
        complaint("A1", DAY),
        complaint("A2", DAY, ack_after=7),  # late acknowledgement
        complaint("A3", DAY, respond_after=14),  # late response
        complaint("A4", DAY, respond_after=None),
    ])
    found = data.evidence_for(YEAR)
    ack = found["6.2"]
    assert ack.sentence == "3 of 4 stage 1 complaints acknowledged within 5 working days in 2025/26; 1 late."
    assert ack.counts == {"acknowledged": 4, "within_timescale": 3, "late": 1}
    assert ack.list_key == "stage1.acknowledged"
    resp = found["6.3"]
    assert resp.counts["responded"] == 3 and resp.counts["within_timescale"] == 2 and resp.counts["late"] == 1
    assert resp.sentence.startswith("2 of 3 stage 1 responses sent in 2025/26 were within the timescale")
    assert resp.list_key == "stage1.late"


def test_it_warns_when_yes_contradicts_the_data(db):
    load([complaint("B1", DAY), complaint("B2", DAY, ack_after=8)])
    found = data.evidence_for(YEAR)
    assert data.warning(found["6.2"], "yes") == "Answered yes, but the figures show 1 late acknowledgement."
    assert data.warning(found["6.2"], "no") == ""
    assert data.warning(found["6.3"], "yes") == ""  # both answered in time
    assert data.warning(None, "yes") == ""


def test_it_counts_stage_2_and_extensions_beyond_the_limit(db):
    load([
        escalate(complaint("C1", DAY)),
        escalate(complaint("C2", DAY), ack_after=9, respond_after=25),
        complaint("C3", DAY, extend_by=15, respond_after=24),  # beyond the 10-day limit, no good reason
        complaint("C4", DAY, extend_by=5, respond_after=12),
    ])
    found = data.evidence_for(YEAR)
    assert found["6.11"].counts == {"acknowledged": 2, "within_timescale": 1, "late": 1}
    assert found["6.14"].counts["responded"] == 2 and found["6.14"].counts["late"] == 1
    ext = found["6.4"]
    assert ext.counts["extended"] == 2
    assert ext.counts["beyond_limit_without_reason"] == 1 and ext.references == ("C3",)
    assert "1 extension went beyond the Code's limit of 10 working days, 1 of them with no good reason recorded" in ext.sentence
    assert data.warning(ext, "yes").startswith("Answered yes, but the figures show 1 extension beyond")
    assert found["6.15"].counts["beyond_limit"] == 0
    item = SelfAssessment.start(title="t", year=YEAR)
    html = client_for(Role.OVERSIGHT).get(f"/self-assessment/{item.pk}/").content.decode()
    assert ">C3</a>" in html and "/reports/2025/cases/stage1.responded_with_extension/" in html


def test_it_finds_stage_2_handled_by_the_stage_1_handler(db):
    load([escalate(complaint("D1", DAY)), escalate(complaint("D2", DAY)), escalate(complaint("D3", DAY))])
    one = User.objects.create_user(username="h1", password="x-Long-pass-99", role=Role.HANDLER)
    two = User.objects.create_user(username="h2", password="x-Long-pass-99", role=Role.HANDLER)
    Stage.objects.filter(case__reference__in=["D1", "D2"]).update(handler=one)  # D1, D2: same person both stages
    Stage.objects.filter(case__reference="D2", number=2).update(handler=two)  # D2: different at stage 2
    Stage.objects.filter(case__reference="D3", number=1).update(handler=two)  # D3: no stage 2 handler
    item = data.evidence_for(YEAR)["6.13"]
    assert item.counts == {"stage2_with_handler": 2, "same_handler": 1}
    assert item.references == ("D1",)
    assert item.sentence.startswith("1 of 2 stage 2 complaints received in 2025/26")


def test_it_counts_refusals_by_reason(db):
    load([
        {"reference": "R1", "kind": "complaint", "received_on": DAY.isoformat(), "refused_on": wd(DAY, 2).isoformat(), "refusal_reason": "over_12_months"},
        {"reference": "R2", "kind": "complaint", "received_on": DAY.isoformat(), "refused_on": wd(DAY, 3).isoformat(), "refusal_reason": "legal_proceedings"},
        complaint("R3", DAY),
    ])
    found = data.evidence_for(YEAR)
    assert found["2.2"].counts["total"] == 2
    assert found["2.2"].counts["over_12_months"] == 1 and found["2.2"].counts["legal_proceedings"] == 1
    assert found["2.2"].sentence.startswith("2 complaints refused in 2025/26, by reason: 1 the issue arose more than 12 months ago")
    assert found["2.3"].counts == {"over_12_months": 1}
    missing = Refusal.objects.filter(ombudsman_rights_given=False).count()
    assert found["2.4"].counts["without_ombudsman_rights"] == missing
    Refusal.objects.update(ombudsman_rights_given=True)
    assert data.evidence_for(YEAR)["2.4"].failures == 0


# --- versions ---------------------------------------------------------------------------------------


def test_it_starts_a_version_with_every_provision_and_copies_answers(db):
    first = SelfAssessment.start(title="2025/26", year=YEAR)
    assert first.answers.count() == len(NUMBERS) and first.version == 1
    Answer.objects.filter(assessment=first, provision="6.2").update(complies="yes", evidence="Policy 4.1", commentary="Fine")
    second = SelfAssessment.start(title="2025/26 after restructure", year=YEAR, previous=first)
    copied = second.answers.get(provision="6.2")
    assert second.version == 2 and second.answers.count() == len(NUMBERS)
    assert (copied.complies, copied.evidence, copied.commentary) == ("yes", "Policy 4.1", "Fine")
    assert copied.pk != first.answers.get(provision="6.2").pk


# --- pages ------------------------------------------------------------------------------------------


def client_for(role: str) -> Client:
    client = Client()
    user = User.objects.filter(username=f"u-{role}").first() or User.objects.create_user(
        username=f"u-{role}", password="x-Long-pass-99", role=role)
    client.force_login(user)
    return client


@pytest.fixture
def assessment(db):
    load([complaint("P1", DAY), complaint("P2", DAY, ack_after=9)])
    item = SelfAssessment.start(title="Self-assessment 2025/26", year=YEAR)
    Answer.objects.filter(assessment=item, provision="6.2").update(complies="yes")
    return item


def test_it_shows_the_table_with_evidence_and_warnings_to_every_role(assessment):
    for role in Role.values:
        response = client_for(role).get(f"/self-assessment/{assessment.pk}/")
        assert response.status_code == 200, role
        html = response.content.decode()
        assert "1 of 2 stage 1 complaints acknowledged within 5 working days in 2025/26; 1 late." in html
        assert "Answered yes, but the figures show 1 late acknowledgement." in html
        assert html.count('class="govuk-table__row" id="p-') == len(NUMBERS)
        assert "/reports/2025/cases/stage1.acknowledged/" in html
        assert ("/provisions/6.2/" in html) == (role in (Role.MANAGER, Role.ADMINISTRATOR))
    assert client_for(Role.OVERSIGHT).get("/self-assessment/").status_code == 200
    assert Client().get(f"/self-assessment/{assessment.pk}/").status_code == 302


def test_it_lets_only_managers_and_administrators_edit(assessment):
    post = {"complies": "no", "commentary": "Training planned for Q3.", "evidence": ""}
    for role in (Role.OVERSIGHT, Role.HANDLER):
        client = client_for(role)
        assert client.get(f"/self-assessment/{assessment.pk}/provisions/6.2/").status_code == 403
        assert client.post(f"/self-assessment/{assessment.pk}/provisions/6.2/", post).status_code == 403
        assert client.post("/self-assessment/new/", {"title": "x", "year": YEAR}).status_code == 403
        assert client.post(f"/self-assessment/{assessment.pk}/approve/", {}).status_code == 403
    assert assessment.answers.get(provision="6.2").complies == "yes"
    manager = client_for(Role.MANAGER)
    assert manager.get(f"/self-assessment/{assessment.pk}/provisions/6.2/").status_code == 200
    response = manager.post(f"/self-assessment/{assessment.pk}/provisions/6.2/", post)
    assert response.status_code == 302
    saved = assessment.answers.get(provision="6.2")
    assert (saved.complies, saved.commentary) == ("no", "Training planned for Q3.")
    # "no" needs an explanation
    assert manager.post(f"/self-assessment/{assessment.pk}/provisions/6.3/", {"complies": "no"}).status_code == 400
    assert manager.get(f"/self-assessment/{assessment.pk}/provisions/10.1/").status_code == 404


def test_it_makes_an_approved_version_read_only_and_a_new_version_copies_it(assessment):
    admin = client_for(Role.ADMINISTRATOR)
    response = admin.post(f"/self-assessment/{assessment.pk}/approve/", {
        "approved_on_0": "10", "approved_on_1": "7", "approved_on_2": "2026", "governing_body_response": "Approved with thanks.",
    })
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.approved_on == dt.date(2026, 7, 10) and assessment.governing_body_response == "Approved with thanks."
    html = admin.get(f"/self-assessment/{assessment.pk}/").content.decode()
    assert "Approved by the governing body on 10 July 2026" in html and "/provisions/" not in html
    assert admin.post(f"/self-assessment/{assessment.pk}/provisions/6.2/", {"complies": "na"}).status_code == 403
    assert admin.post(f"/self-assessment/{assessment.pk}/approve/", {}).status_code == 403
    assert assessment.answers.get(provision="6.2").complies == "yes"

    response = admin.post("/self-assessment/new/", {"title": "Self-assessment after restructure", "year": YEAR})
    assert response.status_code == 302
    newer = SelfAssessment.objects.exclude(pk=assessment.pk).get()
    assert newer.version == 2 and newer.previous == assessment and newer.approved_on is None
    assert newer.answers.get(provision="6.2").complies == "yes"
    assert admin.post(f"/self-assessment/{newer.pk}/provisions/6.2/", {"complies": "na"}).status_code == 302
    assert assessment.answers.get(provision="6.2").complies == "yes"


def test_6_13_sees_everyone_who_acted_on_stage_1(db):
    """Issue 12, way round 3: the stage 1 handler responding at stage 2, a handler who took stage 1
    before it was reallocated, and someone who acknowledged a stage 1 with no handler recorded."""
    from putright.cases.models import StageParticipant

    load([escalate(complaint(f"P{i}", DAY)) for i in range(1, 5)])
    users = [User.objects.create_user(username=f"p{i}", password="x-Long-pass-99", role=Role.HANDLER) for i in range(5)]
    s = {(st.case.reference, st.number): st for st in Stage.objects.select_related("case")}
    StageParticipant.objects.create(stage=s["P1", 1], user=users[0])  # handled stage 1 ...
    StageParticipant.objects.create(stage=s["P1", 2], user=users[0])  # ... and responded at stage 2
    StageParticipant.objects.create(stage=s["P2", 1], user=users[1])  # stage 1 before reallocation
    StageParticipant.objects.create(stage=s["P2", 2], user=users[1])
    StageParticipant.objects.create(stage=s["P3", 1], user=users[2])  # acknowledged; no handler recorded
    StageParticipant.objects.create(stage=s["P3", 2], user=users[2])
    StageParticipant.objects.create(stage=s["P4", 1], user=users[3])  # independent
    StageParticipant.objects.create(stage=s["P4", 2], user=users[4])
    item = data.evidence_for(YEAR)["6.13"]
    assert item.counts == {"stage2_with_handler": 4, "same_handler": 3}
    assert item.references == ("P1", "P2", "P3")

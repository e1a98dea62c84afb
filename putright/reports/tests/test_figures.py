"""Each figure's definition, on small histories whose answers are unambiguous."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest

from putright.cases.models import Case, Extension, HomesOwned, Remedy
from putright.reports.queries import DEFINITIONS, annual_figures, case_filters, quarter_figures

from .histories import complaint, escalate, load, wd

pytestmark = pytest.mark.django_db

D = dt.date
MON_2_SEP_2024 = D(2024, 9, 2)  # acknowledged Tue 3 Sep; the Code's date is Tue 17 Sep


def refs(queryset) -> set[str]:
    return set(queryset.values_list("reference", flat=True))


def test_it_counts_by_the_date_each_step_happened_across_the_year_boundary():
    load([
        complaint("A-31MAR", D(2025, 3, 31)),  # received on the last day of 2024/25, answered in 2025/26
        complaint("B-1APR", D(2025, 4, 1)),  # received on the first day of 2025/26
        complaint("C-ANS-31MAR", D(2025, 3, 20), respond_after=6),  # ack Fri 21 Mar, answered Mon 31 Mar
        complaint("D-ANS-1APR", D(2025, 3, 21), respond_after=6),  # ack Mon 24 Mar, answered Tue 1 Apr
    ])
    assert Case.objects.get(reference="C-ANS-31MAR").stages.get().responded_on == D(2025, 3, 31)
    assert Case.objects.get(reference="D-ANS-1APR").stages.get().responded_on == D(2025, 4, 1)
    y2024, y2025 = annual_figures(2024), annual_figures(2025)
    assert (y2024["stage1"]["received"], y2024["stage1"]["responded"]) == (3, 1)
    assert (y2025["stage1"]["received"], y2025["stage1"]["responded"]) == (1, 3)
    assert refs(case_filters(2024, "stage1.received")) == {"A-31MAR", "C-ANS-31MAR", "D-ANS-1APR"}
    assert refs(case_filters(2024, "stage1.responded")) == {"C-ANS-31MAR"}
    assert quarter_figures(2024, 4)["stage1"]["received"] == 3
    assert quarter_figures(2025, 1)["stage1"]["received"] == 1
    assert quarter_figures(2024, 3)["stage1"]["received"] == 0


def test_it_leaves_refused_complaints_out_of_received_and_counts_them_by_reason_and_stage():
    answered = complaint("ESC-REFUSED", D(2024, 6, 3))
    escalation = escalate(answered, respond_after=None)
    del escalation["stage2_acknowledged_on"]
    escalation.update(refused_on=wd(D.fromisoformat(escalation["stage2_requested_on"]), 2).isoformat(),
                      refusal_reason="previously_considered")
    load([
        {"reference": "NOT-ACCEPTED", "kind": "complaint", "received_on": "2024-06-03", "refused_on": "2024-06-05",
         "refusal_reason": "over_12_months"},
        escalation,
        complaint("ACCEPTED", D(2024, 6, 3)),
    ])
    figures = annual_figures(2024)
    assert figures["stage1"]["received"] == 2  # the refused escalation was a stage 1 complaint
    assert figures["stage2"]["received"] == 0  # ... but not a stage 2 complaint received
    refused = figures["refused"]
    assert refused["total"] == 2
    assert refused["by_reason"] == {"over_12_months": 1, "legal_proceedings": 0, "previously_considered": 1, "other": 0}
    assert refused["by_stage"]["stage1"]["total"] == 1
    assert refused["by_stage"]["stage1"]["by_reason"]["over_12_months"] == 1
    assert refused["by_stage"]["stage2"]["by_reason"]["previously_considered"] == 1
    assert refs(case_filters(2024, "refused.by_reason.over_12_months")) == {"NOT-ACCEPTED"}
    assert refs(case_filters(2024, "refused.by_stage.stage2.total")) == {"ESC-REFUSED"}
    assert "NOT-ACCEPTED" not in refs(case_filters(2024, "stage1.received"))



def test_a_complaint_refused_more_than_once_counts_once_in_each_group_it_is_in():
    """Refused at stage 1 and again at stage 2, for two reasons (a second refusal row, as a
    refusal reversed and made again leaves): once in the total, once in each stage and reason."""
    from putright.cases.models import Refusal

    load([
        {"reference": "TWICE", "kind": "complaint", "received_on": "2024-06-03", "refused_on": "2024-06-05",
         "refusal_reason": "over_12_months"},
        {"reference": "ONCE", "kind": "complaint", "received_on": "2024-06-03", "refused_on": "2024-06-06",
         "refusal_reason": "over_12_months"},
    ])
    twice = Case.objects.get(reference="TWICE")
    for number, reason, day in ((1, "over_12_months", D(2024, 7, 1)), (2, "legal_proceedings", D(2024, 8, 1)),
                                (2, "previously_considered", D(2024, 8, 2))):
        Refusal.objects.create(case=twice, stage_number=number, reason=reason, refused_on=day)
    refused = annual_figures(2024)["refused"]
    assert refused["total"] == 2
    assert refused["by_reason"] == {"over_12_months": 2, "legal_proceedings": 1, "previously_considered": 1, "other": 0}
    assert refused["by_stage"]["stage1"] == {
        "total": 2, "by_reason": {"over_12_months": 2, "legal_proceedings": 0, "previously_considered": 0, "other": 0}}
    assert refused["by_stage"]["stage2"] == {
        "total": 1, "by_reason": {"over_12_months": 0, "legal_proceedings": 1, "previously_considered": 1, "other": 0}}


def test_refusals_are_each_complaints_groups_however_its_refusals_repeat():
    """Complaints refused once, twice for the same stage and reason, for other reasons, with the
    same or different words for "other" (spaces round them too): every group counts each
    complaint once, as counting the distinct (group, complaint) pairs of every row does."""
    import random

    from putright.cases.models import Refusal
    from putright.reports.queries.definitions import NOT_RECORDED

    rng = random.Random(19)
    load([{"reference": f"R{i}", "kind": "complaint", "received_on": "2024-06-03", "refused_on": "2024-06-05",
           "refusal_reason": "other"} for i in range(12)])
    cases = list(Case.objects.filter(reference__startswith="R"))
    for case in cases[:8]:
        for _ in range(rng.randint(1, 4)):
            Refusal.objects.create(case=case, stage_number=rng.choice([1, 2]), refused_on=D(2024, 7, rng.randint(1, 28)),
                                   reason=rng.choice(["other", "other", "over_12_months", "legal_proceedings"]),
                                   about=rng.choice(["", "Noise", " Noise ", "Parking"]))
    rows = list(Refusal.objects.filter(refused_on__range=(D(2024, 4, 1), D(2025, 3, 31)))
                .values_list("stage_number", "reason", "case_id", "about"))
    assert len({c for *_, c, _ in rows}) < len(rows)  # some complaints refused more than once

    def complaints(key) -> Counter:
        return Counter(group for group, _ in {(key(row), row[2]) for row in rows})

    by_stage, by_reason, by_pair = complaints(lambda r: r[0]), complaints(lambda r: r[1]), complaints(lambda r: r[:2])
    about = Counter(group for group, _ in {((r[3].strip() or NOT_RECORDED), r[2]) for r in rows if r[1] == "other"})
    refused = annual_figures(2024)["refused"]
    assert refused["total"] == len({r[2] for r in rows}) == 12
    assert refused["other_by_about"] == dict(sorted(about.items(), key=lambda item: (-item[1], item[0].casefold())))
    assert refused["by_reason"] == {r: by_reason[r] for r in ("over_12_months", "legal_proceedings", "previously_considered", "other")}
    for n in (1, 2):
        block = refused["by_stage"][f"stage{n}"]
        assert block["total"] == by_stage[n]
        assert {r: c for r, c in block["by_reason"].items() if c} == {r: c for (m, r), c in by_pair.items() if m == n}


def test_it_applies_the_regulators_rule_on_extensions_and_shows_the_figure_without_them():
    received = MON_2_SEP_2024
    load([
        complaint("ON-TIME", received, respond_after=5),  # Tue 10 Sep
        complaint("LATE", received, respond_after=12),  # Thu 19 Sep, no extension
        complaint("EXT-KEPT", received, extend_by=8, respond_after=12),  # agreed to Fri 27 Sep, answered 19 Sep
        complaint("EXT-MISSED", received, extend_by=3, respond_after=14),  # agreed to Fri 20 Sep, answered Mon 23 Sep
        complaint("BEYOND-INSIDE-LIMIT", received, extend_by=20, respond_after=19),  # to 15 Oct, answered Mon 30 Sep
        complaint("BEYOND-AFTER-LIMIT", received, extend_by=20, respond_after=25),  # answered Tue 8 Oct: limit is 1 Oct
        complaint("BEYOND-GOOD-REASON", received, extend_by=20, respond_after=25),
    ])
    # Imported history records no good reason; one is recorded afterwards for this case.
    Extension.objects.filter(stage__case__reference="BEYOND-GOOD-REASON").update(good_reason="Specialist survey needed.")
    assert Extension.objects.filter(beyond_code_limit=True).count() == 3
    stage1 = annual_figures(2024)["stage1"]
    assert stage1["responded"] == 7
    assert stage1["within_timescale_without_extensions"] == 1
    assert stage1["within_timescale"] == 4
    assert stage1["late"] == 3
    assert stage1["responded_with_extension"] == 5
    assert stage1["within_timescale_percent"] == 57.1
    assert stage1["within_timescale_without_extensions_percent"] == 14.3
    assert refs(case_filters(2024, "stage1.within_timescale")) == {"ON-TIME", "EXT-KEPT", "BEYOND-INSIDE-LIMIT", "BEYOND-GOOD-REASON"}
    assert refs(case_filters(2024, "stage1.late")) == {"LATE", "EXT-MISSED", "BEYOND-AFTER-LIMIT"}
    assert refs(case_filters(2024, "stage1.within_timescale_without_extensions")) == {"ON-TIME"}


def test_it_applies_the_same_rule_at_stage_2_with_its_20_working_days():
    base = complaint("S2", MON_2_SEP_2024)
    load([
        escalate(dict(base, reference="S2-ON-TIME"), respond_after=20),
        escalate(dict(base, reference="S2-LATE"), respond_after=21),
        escalate(dict(base, reference="S2-EXTENDED"), extend_by=15, respond_after=30),
    ])
    stage2 = annual_figures(2024)["stage2"]
    assert (stage2["received"], stage2["responded"]) == (3, 3)
    assert stage2["within_timescale"] == 2
    assert stage2["within_timescale_without_extensions"] == 1
    assert stage2["timescales"]["respond_working_days"] == 20
    assert refs(case_filters(2024, "stage2.late")) == {"S2-LATE"}


def test_it_counts_acknowledgements_in_the_period_and_those_inside_5_working_days():
    load([
        complaint("ACK-5", MON_2_SEP_2024, ack_after=5),
        complaint("ACK-6", MON_2_SEP_2024, ack_after=6),
        complaint("ACK-1", MON_2_SEP_2024, ack_after=1, respond_after=None),
    ])
    stage1 = annual_figures(2024)["stage1"]
    assert (stage1["acknowledged"], stage1["acknowledged_within_timescale"]) == (3, 2)
    assert stage1["acknowledged_within_timescale_percent"] == 66.7
    assert refs(case_filters(2024, "stage1.acknowledged_within_timescale")) == {"ACK-5", "ACK-1"}


def test_it_splits_per_1000_homes_by_tenure_and_counts_blank_tenure_in_the_total_only():
    HomesOwned.objects.create(year=2024, lcra=2000, lcho=500)
    load([
        complaint("R1", MON_2_SEP_2024, tenure="lcra"),
        complaint("R2", MON_2_SEP_2024, tenure="lcra"),
        complaint("R3", MON_2_SEP_2024, tenure="lcra"),
        complaint("O1", MON_2_SEP_2024, tenure="lcho"),
        complaint("X1", MON_2_SEP_2024),
    ])
    figures = annual_figures(2024)
    assert figures["homes"] == {"year": 2024, "lcra": 2000, "lcho": 500, "total": 2500}
    assert figures["stage1"]["received_by_tenure"] == {"lcra": 3, "lcho": 1, "not_recorded": 1}
    assert figures["stage1"]["per_1000_homes"] == {"total": 2.0, "lcra": 1.5, "lcho": 2.0}
    assert refs(case_filters(2024, "stage1.received_by_tenure.not_recorded")) == {"X1"}
    # No homes recorded for the year: no per 1,000 figure, rather than a wrong one.
    assert annual_figures(2023)["stage1"]["per_1000_homes"] == {"total": None, "lcra": None, "lcho": None}


def test_it_counts_every_theme_of_a_complaint_and_service_requests_and_compliments_by_area():
    load([
        complaint("T1", MON_2_SEP_2024, themes="Communication;Repairs", service_area="Housing"),
        complaint("T2", MON_2_SEP_2024, themes="Communication", service_area="Property"),
        complaint("T3", MON_2_SEP_2024, themes="Damp;Repairs", service_area="Property"),
        {"reference": "SR1", "kind": "service_request", "received_on": "2024-09-02", "service_area": "Repairs", "themes": "Communication"},
        {"reference": "SR2", "kind": "service_request", "received_on": "2024-09-03", "service_area": "Repairs"},
        {"reference": "SR3", "kind": "service_request", "received_on": "2024-09-03"},
        {"reference": "SR-OLD", "kind": "service_request", "received_on": "2024-03-28", "service_area": "Repairs"},
        {"reference": "CO1", "kind": "compliment", "received_on": "2024-10-01", "service_area": "Housing"},
    ])
    figures = annual_figures(2024)
    assert figures["stage1"]["received"] == 3
    assert figures["themes"] == {"Communication": 2, "Repairs": 2, "Damp": 1}
    assert list(figures["themes"]) == ["Communication", "Repairs", "Damp"]
    assert sum(figures["themes"].values()) > figures["stage1"]["received"]
    assert figures["stage1"]["service_areas"] == {"Property": 2, "Housing": 1}
    assert figures["service_requests"] == {"total": 3, "by_service_area": {"Repairs": 2, "Not recorded": 1}}
    assert figures["compliments"] == {"total": 1, "by_service_area": {"Housing": 1}}
    assert refs(case_filters(2024, "themes.Repairs")) == {"T1", "T3"}
    assert refs(case_filters(2024, "service_requests.by_service_area.Not recorded")) == {"SR3"}


def test_it_counts_decisions_and_stage_1_decisions_changed_at_stage_2():
    load([
        escalate(complaint("SAME", MON_2_SEP_2024, decision="upheld"), decision="upheld"),
        escalate(complaint("CHANGED-1", MON_2_SEP_2024, decision="not_upheld"), decision="partly_upheld"),
        escalate(complaint("CHANGED-2", MON_2_SEP_2024, decision="partly_upheld"), decision="upheld"),
        complaint("ONLY-1", MON_2_SEP_2024, decision="not_upheld"),
    ])
    figures = annual_figures(2024)
    assert figures["stage1"]["decisions"] == {"upheld": 1, "partly_upheld": 1, "not_upheld": 2}
    assert figures["stage1"]["decisions_percent"] == {"upheld": 25.0, "partly_upheld": 25.0, "not_upheld": 50.0}
    assert figures["stage2"]["decisions"] == {"upheld": 2, "partly_upheld": 1, "not_upheld": 0}
    assert figures["stage2"]["changed_from_stage1"] == 2
    assert refs(case_filters(2024, "stage2.changed_from_stage1")) == {"CHANGED-1", "CHANGED-2"}
    assert refs(case_filters(2024, "stage1.decisions.not_upheld")) == {"CHANGED-1", "ONLY-1"}


def test_it_averages_working_days_from_acknowledgement_and_from_receipt():
    load([
        complaint("TEN", MON_2_SEP_2024, ack_after=1, respond_after=10),
        complaint("FOUR", MON_2_SEP_2024, ack_after=1, respond_after=4),
    ])
    stage1 = annual_figures(2024)["stage1"]
    assert stage1["average_working_days_to_respond"] == 7.0
    assert stage1["average_working_days_from_receipt"] == 8.0
    assert annual_figures(2024)["stage2"]["average_working_days_to_respond"] is None


def test_it_totals_compensation_by_payment_method_and_stage_on_the_response_date():
    load([
        complaint("PAID-1", MON_2_SEP_2024, compensation_gbp="100"),
        escalate(complaint("PAID-2", MON_2_SEP_2024), respond_after=10) | {"compensation_gbp": "250.50"},
        complaint("NEXT-YEAR", D(2025, 4, 7), compensation_gbp="999"),
        complaint("OPEN", D(2025, 3, 3), respond_after=None),
    ])
    paid1 = Case.objects.get(reference="PAID-1")
    Remedy.objects.create(case=paid1, stage_number=1, kind="financial", description="Decoration voucher",
                          amount=Decimal("50.00"), payment_method="voucher")
    Remedy.objects.create(case=paid1, stage_number=1, kind="apology", description="Apology")
    unanswered = Remedy.objects.create(case=Case.objects.get(reference="OPEN"), stage_number=None, kind="financial",
                                       description="Goodwill", amount=Decimal("20"), payment_method="rent_credit")
    Remedy.objects.filter(pk=unanswered.pk).update(offered_on=D(2025, 3, 10))  # recorded then, stage unanswered
    comp = annual_figures(2024)["compensation"]
    assert comp["total"] == {"count": 4, "cases": 3, "amount_gbp": 420.5}
    assert comp["by_payment_method"] == {
        "money": {"count": 2, "cases": 2, "amount_gbp": 350.5},
        "voucher": {"count": 1, "cases": 1, "amount_gbp": 50.0},
        "rent_credit": {"count": 1, "cases": 1, "amount_gbp": 20.0},
    }
    assert comp["by_stage"]["stage1"] == {"count": 2, "cases": 1, "amount_gbp": 150.0}
    assert comp["by_stage"]["stage2"] == {"count": 1, "cases": 1, "amount_gbp": 250.5}
    assert comp["by_stage"]["no_stage"] == {"count": 1, "cases": 1, "amount_gbp": 20.0}
    assert refs(case_filters(2024, "compensation.total.cases")) == {"PAID-1", "PAID-2", "OPEN"}
    assert annual_figures(2025)["compensation"]["total"]["amount_gbp"] == 999.0


def test_it_counts_withdrawn_complaints_and_those_awaiting_a_response_at_the_end():
    answered = complaint("S2-WAITING", D(2025, 2, 3))
    load([
        complaint("UNANSWERED", D(2025, 3, 3), respond_after=None),
        complaint("ANSWERED-AFTER", D(2025, 3, 24), respond_after=8),  # answered in April 2025
        complaint("WITHDRAWN", D(2025, 3, 3), respond_after=None, withdrawn_on="2025-03-20"),
        {"reference": "REFUSED", "kind": "complaint", "received_on": "2025-03-03", "refused_on": "2025-03-05", "refusal_reason": "other"},
        escalate(answered, respond_after=None),
        complaint("DONE", D(2025, 3, 3)),
    ])
    figures = annual_figures(2024)
    assert figures["withdrawn"] == 1
    assert figures["open_at_end"] == {"stage1": 2, "stage2": 1, "total": 3}
    assert refs(case_filters(2024, "open_at_end.total")) == {"UNANSWERED", "ANSWERED-AFTER", "S2-WAITING"}
    assert refs(case_filters(2024, "withdrawn")) == {"WITHDRAWN"}
    assert annual_figures(2025)["open_at_end"] == {"stage1": 1, "stage2": 1, "total": 2}


def test_it_compares_three_years_oldest_first():
    load([
        complaint("Y22", D(2022, 9, 5)),
        complaint("Y23", D(2023, 9, 4), respond_after=12),
        complaint("Y24", D(2024, 9, 2)),
        complaint("Y21", D(2021, 9, 6)),
    ])
    three = annual_figures(2024)["three_year"]
    assert [(y["year"], y["label"]) for y in three] == [(2022, "2022/23"), (2023, "2023/24"), (2024, "2024/25")]
    assert [y["stage1"]["received"] for y in three] == [1, 1, 1]
    assert [y["stage1"]["within_timescale_percent"] for y in three] == [100.0, 0.0, 100.0]
    assert three[0]["stage2"] == {"received": 0, "responded": 0, "within_timescale": 0, "within_timescale_percent": None,
                                  "within_timescale_without_extensions": 0, "within_timescale_without_extensions_percent": None}
    assert "three_year" not in quarter_figures(2024, 1)


REQUIRED = [
    "stage1.received", "stage1.responded", "stage1.within_timescale", "stage1.per_1000_homes",
    "stage1.decisions.upheld", "stage1.decisions.partly_upheld", "stage1.decisions.not_upheld",
    "stage2.received", "stage2.responded", "stage2.within_timescale", "stage2.per_1000_homes",
    "stage2.decisions.upheld", "stage2.decisions.partly_upheld", "stage2.decisions.not_upheld",
    "refused.by_reason",
]


def lookup(figures: dict, key: str):
    value = figures
    for part in key.split("."):
        value = value[part]
    return value


def test_it_has_every_key_the_issue_names_and_a_definition_for_each_and_is_json():
    figures = json.loads(json.dumps(annual_figures(2024)))
    for key in REQUIRED:
        lookup(figures, key)
    definitions = figures["definitions"]
    for key in REQUIRED:
        assert key.rsplit(".", 1)[0] in definitions or key in definitions, key
    assert all(text.endswith(".") and len(text) > 20 for text in definitions.values())
    assert set(definitions) == set(DEFINITIONS)
    assert figures["period"] == {"kind": "annual", "year": 2024, "quarter": None, "label": "2024/25",
                                 "start": "2024-04-01", "end": "2025-03-31"}


COUNTED = [
    "stage1.received", "stage1.received_by_tenure.lcra", "stage1.responded", "stage1.within_timescale",
    "stage1.within_timescale_without_extensions", "stage1.late", "stage1.responded_with_extension",
    "stage1.acknowledged", "stage1.acknowledged_within_timescale", "stage1.decisions.upheld",
    "stage1.decisions.partly_upheld", "stage1.decisions.not_upheld",
    "stage2.received", "stage2.responded", "stage2.within_timescale", "stage2.within_timescale_without_extensions",
    "stage2.late", "stage2.acknowledged", "stage2.decisions.upheld", "stage2.decisions.partly_upheld",
    "stage2.decisions.not_upheld", "stage2.changed_from_stage1",
    "refused.total", "refused.by_reason.over_12_months", "refused.by_reason.legal_proceedings",
    "refused.by_reason.previously_considered", "refused.by_reason.other", "refused.by_stage.stage1.total",
    "refused.by_stage.stage2.by_reason.other", "withdrawn", "open_at_end.stage1", "open_at_end.stage2",
    "open_at_end.total", "service_requests.total", "compliments.total", "compensation.total.cases",
    "compensation.by_payment_method.money.cases",
]


def test_it_lists_the_cases_behind_every_figure_and_their_number_is_the_figure():
    rows = []
    reasons = ["over_12_months", "legal_proceedings", "previously_considered", "other"]
    for i in range(24):
        received = wd(D(2024, 3, 25), 9 * i)  # from March 2024 to April 2025: both boundaries
        row = complaint(f"M{i:02d}", received, respond_after=[4, 11, 13, 26][i % 4], extend_by=[None, 5, 2, 20][i % 4],
                        decision=["upheld", "partly_upheld", "not_upheld"][i % 3], ack_after=[1, 6][i % 2],
                        tenure=["lcra", "lcho", ""][i % 3], themes="Communication;Repairs" if i % 2 else "Damp",
                        compensation_gbp="75" if i % 5 == 0 else "")
        if i % 3 == 0 and received < D(2025, 1, 1):
            row = escalate(row, respond_after=[15, 25][i % 2], decision=["upheld", "not_upheld"][i % 2])
        if i % 7 == 3:
            row = {"reference": f"M{i:02d}", "kind": "complaint", "received_on": received.isoformat(),
                   "refused_on": wd(received, 2).isoformat(), "refusal_reason": reasons[i % 4]}
        rows.append(row)
    rows.append({"reference": "SR", "kind": "service_request", "received_on": "2024-05-01"})
    rows.append({"reference": "CO", "kind": "compliment", "received_on": "2024-05-01"})
    load(rows)
    for period in (None, 1, 4):
        figures = annual_figures(2024) if period is None else quarter_figures(2024, period)
        for key in COUNTED:
            assert case_filters(2024, key, quarter=period).count() == lookup(figures, key), (period, key)
    assert annual_figures(2024)["stage1"]["received"] > 10


def test_it_refuses_a_figure_it_cannot_list():
    for key in ("stage1.nonsense", "stage3.received", "refused.by_reason.bored", "nonsense", "stage1.decisions.maybe"):
        with pytest.raises(KeyError):
            case_filters(2024, key)


def test_it_counts_in_the_database_with_the_same_few_queries_however_many_cases():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            annual_figures(2024)
        return len(captured.captured_queries)

    load([complaint("FIRST", MON_2_SEP_2024)])
    few = queries()
    load([complaint(f"Q{i}", wd(MON_2_SEP_2024, i), extend_by=20 if i % 3 == 0 else None,
                    respond_after=25 if i % 3 == 0 else 5, themes="A;B") for i in range(40)])
    assert queries() == few <= 35


def test_it_reports_satisfaction_survey_answers_for_cases_closed_in_the_year(db, handler):
    import datetime as dt

    from putright.cases.tests.factories import complaint_at
    from putright.portal.models import SurveyResponse
    from putright.reports.queries import annual_figures

    today = dt.date(2026, 11, 23)
    ratings = [5, 4, 4, 2]
    for rating in ratings:
        case = complaint_at("closed", handler=handler, today=today)
        SurveyResponse.objects.create(case=case, rating=rating)
    closed_year = case.closed_on.year if case.closed_on.month >= 4 else case.closed_on.year - 1
    figures = annual_figures(closed_year)["satisfaction"]
    assert figures["total"] == 4
    assert figures["by_rating"] == {"very_satisfied": 1, "satisfied": 2, "neither": 0, "dissatisfied": 1, "very_dissatisfied": 0}
    assert figures["satisfied"] == 3
    assert figures["satisfied_percent"] == 75.0
    assert "satisfaction" in annual_figures(closed_year)["definitions"]

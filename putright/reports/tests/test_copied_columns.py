"""The columns copied for the reports' sake stay true to what they copy, and the figures built on
them (and on the working-day sums) agree with counting case by case."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, PaymentMethod, Remedy, RemedyKind, Stage, Theme
from putright.cases.tests.factories import (
    ACKNOWLEDGED,
    RESPONDED,
    ack_kwargs,
    complaint_at,
    log_complaint,
    log_service_request,
    points,
    refuse_kwargs,
)
from putright.reports import measures, periods
from putright.reports.queries import annual_figures, case_filters, quarter_figures
from putright.rules.lifecycle import State

from .histories import complaint, escalate, load, wd

pytestmark = pytest.mark.django_db
D = dt.date


def copied(case: Case) -> set[tuple[str, dt.date]]:
    return set(CaseTheme.objects.filter(case=case).values_list("kind", "received_on"))


def test_theme_rows_carry_their_cases_kind_and_received_date(handler):
    heating, damp = Theme.objects.create(name="Heating"), Theme.objects.create(name="Damp")
    request = actions.log_case(kind="service_request", received_on=D(2026, 10, 26), description="Boiler.", themes=[heating, damp],
                               actor=handler, today=D(2026, 11, 23))
    assert copied(request) == {("service_request", D(2026, 10, 26))}
    complaint_case = actions.convert_to_complaint(request, received_on=D(2026, 11, 2), description="Still no heating.",
                                                  actor=handler, today=D(2026, 11, 23))
    assert set(complaint_case.themes.values_list("name", flat=True)) == {"Heating", "Damp"}
    assert copied(complaint_case) == {("complaint", D(2026, 11, 2))}
    load([complaint("IMP-1", D(2024, 6, 3), themes="Heating;Noise")])
    imported = Case.objects.get(reference="IMP-1")
    assert copied(imported) == {("complaint", D(2024, 6, 3))}
    assert CaseTheme.objects.filter(case=imported).count() == 2


def test_a_theme_set_without_the_copied_columns_is_refused(handler):
    from django.db import IntegrityError, transaction

    request = log_service_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        request.themes.set([Theme.objects.create(name="Heating")])  # no through_defaults: no received date


def test_themes_are_counted_by_the_complaints_received_date_less_refused_ones():
    load([
        complaint("T1", D(2024, 6, 3), themes="Damp;Repairs"),
        complaint("T2", D(2024, 6, 4), themes="Damp"),
        complaint("T3", D(2025, 4, 1), themes="Damp"),  # next year
        {"reference": "T-REFUSED", "kind": "complaint", "received_on": "2024-06-03", "refused_on": "2024-06-05",
         "refusal_reason": "over_12_months", "themes": "Damp"},
        {"reference": "SR", "kind": "service_request", "received_on": "2024-06-03", "themes": "Damp"},
    ])
    assert annual_figures(2024)["themes"] == {"Damp": 2, "Repairs": 1}
    assert case_filters(2024, "themes.Damp").count() == 2
    assert annual_figures(2025)["themes"] == {"Damp": 1}


def test_a_remedy_counts_as_offered_on_its_stages_response_date(handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    before = actions.add_remedy(case, kind=RemedyKind.FINANCIAL, description="For the delay.", amount="80",
                                payment_method=PaymentMethod.MONEY, due_by=D(2026, 12, 4), actor=handler,
                                today=ACKNOWLEDGED + dt.timedelta(days=1))
    assert Remedy.objects.get(pk=before.pk).offered_on == ACKNOWLEDGED + dt.timedelta(days=1)  # no response yet
    actions.respond(case, responded_on=RESPONDED, points=points(), actor=handler, today=RESPONDED)
    assert Remedy.objects.get(pk=before.pk).offered_on == RESPONDED
    after = actions.add_remedy(case, kind=RemedyKind.FINANCIAL, description="Voucher.", amount="20",
                               payment_method=PaymentMethod.VOUCHER, due_by=D(2026, 12, 4), actor=handler, today=D(2026, 11, 20))
    assert Remedy.objects.get(pk=after.pk).offered_on == RESPONDED
    figures = annual_figures(2026)["compensation"]
    assert figures["total"] == {"count": 2, "cases": 1, "amount_gbp": 100.0}
    assert figures["by_stage"]["stage1"]["count"] == 2
    assert set(case_filters(2026, "compensation.total.cases")) == {case}


def test_an_imported_remedy_counts_on_the_last_response_date():
    load([escalate(complaint("PAID", D(2024, 9, 2)), respond_after=10) | {"compensation_gbp": "250.50"}])
    remedy = Remedy.objects.get(case__reference="PAID")
    assert remedy.offered_on == Stage.objects.get(case__reference="PAID", number=2).responded_on
    assert annual_figures(2024)["compensation"]["by_stage"]["stage2"]["amount_gbp"] == 250.5


def ends(case: Case) -> dict[int, dt.date | None]:
    return dict(Stage.objects.filter(case=case).values_list("number", "ended_on"))


def recomputed(case: Case) -> dict[int, dt.date | None]:
    case.refresh_from_db()
    out = {}
    for stage in Stage.objects.filter(case=case):
        refusals = list(case.refusals.filter(stage_number=stage.number).values_list("refused_on", flat=True))
        out[stage.number] = Stage.ended_on_for(responded_on=stage.responded_on, withdrawn_on=case.withdrawn_on,
                                               refused_on=min(refusals, default=None), acknowledged_on=stage.acknowledged_on)
    return out


@pytest.mark.parametrize("state", [s for s in State if s not in (State.OPEN,)])
def test_every_step_keeps_the_stages_end_in_step(state, handler, other_handler):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler)
    assert ends(case) == recomputed(case)


def test_a_stage_ends_at_its_response_withdrawal_or_unacknowledged_refusal(handler):
    case = log_complaint(handler=handler, actor=handler)
    assert ends(case) == {1: None}
    # Each step recorded the day it is dated; refusing and reopening are a manager's (PutRight's here).
    actions.refuse(case, today=D(2026, 11, 3), **refuse_kwargs())
    assert ends(case) == {1: D(2026, 11, 3)}
    actions.reopen(case, reason="The court case was about something else.")
    assert ends(case) == {1: D(2026, 11, 3)}  # refused and still never acknowledged
    actions.acknowledge(case, actor=handler, today=ACKNOWLEDGED, **ack_kwargs())
    assert ends(case) == {1: None}  # accepted after all
    actions.withdraw(case, withdrawn_on=D(2026, 11, 10), reason="Fixed.", actor=handler, today=D(2026, 11, 10))
    assert ends(case) == {1: D(2026, 11, 10)}
    actions.reopen(case, reason="Not fixed after all.")
    assert ends(case) == {1: None}
    actions.respond(case, responded_on=RESPONDED, points=points(), actor=handler, today=RESPONDED)
    assert ends(case) == {1: RESPONDED}


def test_imported_stages_end_as_the_actions_would_end_them():
    refused = escalate(complaint("ESC-REFUSED", D(2024, 6, 3)), respond_after=None)
    del refused["stage2_acknowledged_on"]
    refused.update(refused_on=wd(D.fromisoformat(refused["stage2_requested_on"]), 2).isoformat(), refusal_reason="other")
    load([
        complaint("ANSWERED", D(2024, 6, 3), respond_after=4),
        complaint("WAITING", D(2024, 6, 3), respond_after=None),
        complaint("WITHDRAWN", D(2024, 6, 3), respond_after=None) | {"withdrawn_on": "2024-06-20"},
        refused,
    ])
    for reference in ("ANSWERED", "WAITING", "WITHDRAWN", "ESC-REFUSED"):
        case = Case.objects.get(reference=reference)
        assert ends(case) == recomputed(case), reference
    assert ends(Case.objects.get(reference="WAITING")) == {1: None}
    assert ends(Case.objects.get(reference="WITHDRAWN")) == {1: D(2024, 6, 20)}
    assert ends(Case.objects.get(reference="ESC-REFUSED"))[2] == D.fromisoformat(refused["refused_on"])


def test_open_at_the_end_follows_refusal_reopening_and_acknowledgement(handler):
    case = log_complaint(handler=handler, actor=handler)  # received 2 November 2026, in 2026/27
    actions.refuse(case, today=D(2026, 11, 3), **refuse_kwargs())
    actions.reopen(case, reason="Accepted on review.")
    assert annual_figures(2026)["open_at_end"]["stage1"] == 0  # refused and never acknowledged
    actions.acknowledge(case, actor=handler, today=ACKNOWLEDGED, **ack_kwargs())
    assert annual_figures(2026)["open_at_end"]["stage1"] == 1
    assert set(case_filters(2026, "open_at_end.stage1")) == {case}


def _mean_working_days(number: int, period: periods.Period, start: str) -> float | None:
    cal = landlord_calendar()
    days = [cal.working_days_between(getattr(s, start), s.responded_on)
            for s in Stage.objects.filter(number=number, responded_on__range=(period.start, period.end))
            if getattr(s, start) is not None]
    return measures.average(sum(days), len(days))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_working_day_averages_agree_with_counting_each_response(seed):
    rng = random.Random(seed)
    rows = []
    for i in range(40):
        # Received across 2024/25 and its edges, Christmas and Easter included.
        received = wd(D(2024, 3, 1), rng.randrange(0, 290))
        row = complaint(f"R{i:02d}", received, ack_after=rng.randint(1, 7), respond_after=rng.randint(1, 30),
                        decision=rng.choice(["upheld", "not_upheld"]))
        if rng.random() < 0.4:
            row = escalate(row, request_after=rng.randint(1, 20), ack_after=rng.randint(1, 6), respond_after=rng.randint(3, 40))
        rows.append(row)
    load(rows)
    for figures, period in ((annual_figures(2024), periods.reporting_year(2024)),
                            (quarter_figures(2024, 3), periods.quarter(2024, 3))):
        for number in (1, 2):
            block = figures[f"stage{number}"]
            assert block["average_working_days_to_respond"] == _mean_working_days(number, period, "acknowledged_on")
            assert block["average_working_days_from_receipt"] == _mean_working_days(number, period, "requested_on")
    assert annual_figures(2024)["stage1"]["average_working_days_to_respond"] is not None


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_the_copied_columns_from_existing_records():
    """A database made before the columns existed: upgrading fills them from the cases and responses."""
    executor = MigrationExecutor(connection)
    before = [("cases", "0002_queue_indexes"), ("reports", "0002_report_narrative")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        OldCase, OldStage = old.get_model("cases", "Case"), old.get_model("cases", "Stage")
        OldTheme, OldRemedy = old.get_model("cases", "Theme"), old.get_model("cases", "Remedy")
        damp = OldTheme.objects.create(name="Damp")
        answered = OldCase.objects.create(reference="OLD-1", kind="complaint", state="stage1_responded",
                                          received_on=D(2024, 6, 3), description="Damp.")
        answered.themes.add(damp)
        OldStage.objects.create(case=answered, number=1, requested_on=D(2024, 6, 3), acknowledge_by=D(2024, 6, 10),
                                acknowledged_on=D(2024, 6, 4), code_respond_by=D(2024, 6, 18), respond_by=D(2024, 6, 18),
                                responded_on=D(2024, 6, 14), decision="upheld")
        paid = OldRemedy.objects.create(case=answered, stage_number=1, kind="financial", description="£",
                                        amount=Decimal("50"), payment_method="money")
        waiting = OldCase.objects.create(reference="OLD-2", kind="complaint", state="stage1_logged",
                                         received_on=D(2024, 7, 1), description="Still waiting.")
        unanswered = OldRemedy.objects.create(case=waiting, stage_number=None, kind="financial", description="Goodwill",
                                              amount=Decimal("10"), payment_method="voucher")
        OldRemedy.objects.filter(pk=unanswered.pk).update(created_at=dt.datetime(2024, 7, 2, 23, 30, tzinfo=dt.timezone.utc))
        withdrawn = OldCase.objects.create(reference="OLD-3", kind="complaint", state="withdrawn", received_on=D(2024, 7, 1),
                                           description="Withdrawn.", withdrawn_on=D(2024, 7, 20))
        OldStage.objects.create(case=withdrawn, number=1, requested_on=D(2024, 7, 1), acknowledge_by=D(2024, 7, 8),
                                acknowledged_on=D(2024, 7, 2), code_respond_by=D(2024, 7, 16), respond_by=D(2024, 7, 16))
        refused = OldCase.objects.create(reference="OLD-4", kind="complaint", state="refused", received_on=D(2024, 7, 1),
                                         description="Refused.")
        OldStage.objects.create(case=refused, number=1, requested_on=D(2024, 7, 1), acknowledge_by=D(2024, 7, 8),
                                code_respond_by=D(2024, 7, 22), respond_by=D(2024, 7, 22))
        OldRefusal = old.get_model("cases", "Refusal")
        for day in (D(2024, 7, 9), D(2024, 7, 3)):
            OldRefusal.objects.create(case=refused, stage_number=1, refused_on=day, reason="other", explanation="x")
        OldStage.objects.create(case=waiting, number=1, requested_on=D(2024, 7, 1), acknowledge_by=D(2024, 7, 8),
                                code_respond_by=D(2024, 7, 22), respond_by=D(2024, 7, 22))
        MigrationExecutor(connection).migrate(latest)
        assert ends(Case.objects.get(pk=answered.pk)) == {1: D(2024, 6, 14)}
        assert ends(Case.objects.get(pk=withdrawn.pk)) == {1: D(2024, 7, 20)}
        assert ends(Case.objects.get(pk=refused.pk)) == {1: D(2024, 7, 3)}  # the first refusal
        assert ends(Case.objects.get(pk=waiting.pk)) == {1: None}
        assert list(CaseTheme.objects.filter(case_id=answered.pk).values_list("kind", "received_on")) == [("complaint", D(2024, 6, 3))]
        assert Remedy.objects.get(pk=paid.pk).offered_on == D(2024, 6, 14)
        # 23:30 UTC on 2 July is 00:30 on 3 July in London (summer time): the landlord's date.
        assert Remedy.objects.get(pk=unanswered.pk).offered_on == D(2024, 7, 3)
    finally:
        MigrationExecutor(connection).migrate(latest)

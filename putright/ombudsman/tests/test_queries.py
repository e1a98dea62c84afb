import datetime as dt
from decimal import Decimal

from putright.ombudsman import actions, queries

TODAY = dt.date(2026, 11, 23)
YEAR = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))

# Five determinations carrying 13 findings, as in seed 001.
DETERMINATIONS = [
    ["severe_maladministration", "maladministration", "service_failure"],
    ["maladministration", "no_maladministration"],
    ["service_failure", "reasonable_redress", "no_maladministration"],
    ["outside_jurisdiction", "maladministration"],
    ["reasonable_redress", "mediation", "withdrawn"],
]


def _seed(handler, resident):
    cases = []
    for i, findings in enumerate(DETERMINATIONS):
        oc = actions.open_ombudsman_case(resident=resident, category="property_condition", opened_on=dt.date(2026, 5, 1), actor=handler, today=TODAY)
        actions.record_determination(
            oc, determined_on=dt.date(2026, 6, 1 + i), findings=[(f"Issue {n}", f) for n, f in enumerate(findings)], actor=handler, today=TODAY,
            code_non_compliance=(i == 0),
        )
        cases.append(oc)
    return cases


def test_it_counts_findings_and_cases_separately(handler, resident):
    _seed(handler, resident)
    counts = queries.findings_counts(*YEAR)
    assert counts.determinations == 5 and counts.cases == 5 and counts.findings == 13
    assert counts.by_finding["maladministration"] == 3
    assert counts.by_finding["severe_maladministration"] == 1
    assert counts.code_non_compliance == 1
    assert queries.findings_counts(dt.date(2025, 4, 1), dt.date(2026, 3, 31)).findings == 0


def test_it_works_out_the_maladministration_rate(handler, resident):
    _seed(handler, resident)
    rate = queries.maladministration_rate(*YEAR)
    assert (rate.adverse, rate.total) == (6, 13)
    assert rate.percent == Decimal("46.2")
    assert queries.maladministration_rate(dt.date(2020, 1, 1), dt.date(2020, 12, 31)).percent is None


def test_it_summarises_orders_overdue_and_complied(handler, resident):
    oc = _seed(handler, resident)[0]
    late = actions.add_order(oc, kind="order", text="Pay £600.", due_by=dt.date(2026, 7, 1), compensation_ordered="600", actor=handler)
    done = actions.add_order(oc, kind="order", text="Apologise.", due_by=dt.date(2026, 7, 1), actor=handler)
    actions.add_order(oc, kind="recommendation", text="Train staff.", actor=handler)
    actions.record_compliance(done, complied_on=dt.date(2026, 6, 20), evidence="Letter sent.", actor=handler, today=TODAY)
    summary = queries.orders_summary(*YEAR, today=TODAY)
    assert (summary.orders, summary.recommendations, summary.complied, summary.open, summary.overdue) == (2, 1, 1, 1, 1)
    assert summary.compensation_ordered == Decimal("600")
    assert [o.pk for o in queries.overdue_orders(TODAY)] == [late.pk]


def test_it_lists_exceptional_circumstances_overlapping_a_period(admin_user):
    inside = actions.record_exceptional_circumstance(
        title="Cyber incident", description="Systems down.", starts_on=dt.date(2026, 3, 20), ends_on=dt.date(2026, 4, 10),
        compliance_returns_by=dt.date(2026, 4, 30), actor=admin_user, today=TODAY,
    )
    actions.record_exceptional_circumstance(
        title="Older", description="Flood.", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 2, 1),
        compliance_returns_by=dt.date(2025, 2, 1), actor=admin_user, today=TODAY,
    )
    running = actions.record_exceptional_circumstance(
        title="Still running", description="Staff shortage.", starts_on=dt.date(2026, 11, 1), compliance_returns_by=dt.date(2027, 1, 31),
        actor=admin_user, today=TODAY,
    )
    assert [e.pk for e in queries.exceptional_circumstances_in(*YEAR)] == [inside.pk, running.pk]

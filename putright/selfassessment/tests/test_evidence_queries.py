"""How the evidence is counted: a fixed number of queries whatever the number of cases, every
provision in the Code's order, and long lists of cases cut short."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from putright.accounts.models import Role, User
from putright.cases import actions
from putright.cases.models import RemedyKind
from putright.reports.queries import annual_figures
from putright.reports.tests.histories import complaint as imported_complaint
from putright.reports.tests.histories import escalate, load, wd
from putright.selfassessment import evidence as data
from putright.selfassessment.models import Answer, SelfAssessment
from putright.selfassessment.provisions import NUMBERS, sort_key

from .history import DAY, TODAY, YEAR, answered, evidence

# Provisions the records can say nothing about: policies, training, culture, the content of decisions.
WITHOUT_EVIDENCE = {
    "1.2", "1.3", "2.5", "3.4", "3.5", "3.7", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5", "5.8",
    "6.1", "6.12", "6.20", "7.2", "7.4", "8.3", "8.4", "9.3", "9.8",
}


def grow(start: int, n: int, handler) -> None:
    """``n`` more of each kind of case behind a failure: imported ones (refused without the
    Ombudsman's details, extended beyond the limit, with no definition, points or words) and ones
    made in PutRight with a remedy and an action overdue."""
    rows = []
    for i in range(start, start + n):
        rows += [
            imported_complaint(f"G{i}-A", DAY, extend_by=15, respond_after=24),
            escalate(imported_complaint(f"G{i}-B", DAY), extend_by=25, respond_after=43),
            {"reference": f"G{i}-R", "kind": "complaint", "received_on": DAY.isoformat(),
             "refused_on": wd(DAY, 2).isoformat(), "refusal_reason": "other"},
        ]
    load(rows)
    for _ in range(n):
        case = answered(handler)
        actions.add_remedy(case, kind=RemedyKind.APOLOGY, description="A written apology.", due_by=dt.date(2025, 7, 1),
                           actor=handler, today=TODAY)
        actions.add_action(case, description="Fix the gutter", due_by=dt.date(2025, 7, 1), owner_name="Repairs", actor=handler)


def queries(**kw) -> tuple[int, dict]:
    figures = annual_figures(YEAR)
    with CaptureQueriesContext(connection) as captured:
        found = data.evidence_for(YEAR, figures=figures, today=TODAY, **kw)
    return len(captured.captured_queries), found


def test_the_number_of_queries_does_not_grow_with_the_cases(handler):
    grow(0, 1, handler)
    few, found = queries()
    assert all(found[n].failures for n in ("2.4", "5.6", "5.9", "5.12", "6.4", "6.5", "6.6", "6.7", "6.15", "6.16", "6.18", "7.3"))
    grow(1, 4, handler)
    many, found = queries()
    assert found["5.12"].counts["original_not_recorded"] == 15 and found["7.3"].counts["overdue"] == 5
    assert many == few
    assert few <= 40, few  # one aggregate per table and population, and a list of cases per failure


def test_it_covers_every_provision_the_records_speak_to_in_the_codes_order(db):
    found = evidence()
    assert list(found) == sorted(found, key=sort_key)
    assert set(found) == set(NUMBERS) - WITHOUT_EVIDENCE
    assert len(found) == 49  # 4.1, 9.4, 9.5 and 9.6 from the named roles and receipts (putright.governance)
    for number, item in found.items():
        assert item.provision == number
        assert "2025/26" in item.sentence, number
        assert item.sentence.endswith("."), number


def test_it_lists_at_most_20_cases_and_counts_the_rest(db):
    load([imported_complaint(f"L{i:02d}", DAY) for i in range(23)])
    item = evidence()["5.12"]
    every = {f"L{i:02d}" for i in range(23)}
    assert item.failures == 23 and item.more_references == 3
    assert len(item.references) == 20 and set(item.references) < every and list(item.references) == sorted(item.references)
    assessment = SelfAssessment.start(title="2025/26", year=YEAR)
    Answer.objects.filter(assessment=assessment, provision="5.12").update(complies="yes")
    client = Client()
    client.force_login(User.objects.create_user(username="o", password="x-Long-pass-99", role=Role.OVERSIGHT))
    html = client.get(f"/self-assessment/{assessment.pk}/").content.decode()
    last = item.references[-1]
    assert f'<a class="govuk-link" href="/cases/{last}/">{last}</a> and 3 more</p>' in html
    assert sum(f">{ref}</a>" in html for ref in every) == 20
    assert "Answered yes, but the figures show 23 complaints without the resident&#x27;s original complaint recorded" in html

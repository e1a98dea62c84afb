"""Issue 12: CH02 split by tenure like CH01, with no tenure as its own row, and the annual
report's 8.1 b listing "other" refusals by what they were about."""

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.tests import factories as f
from putright.reports.queries import annual_figures, case_filters
from putright.reports.render import annual_html, quarter_html
from putright.rules.exclusions import RefusalReason

from .histories import complaint, load, wd

pytestmark = pytest.mark.django_db

MON_5_OCT_2026 = dt.date(2026, 10, 5)


def refs(cases) -> set[str]:
    return {c.reference for c in cases}


def test_ch02_is_split_by_tenure_with_none_recorded_as_its_own_row(handler):
    load([
        complaint("R-ON", MON_5_OCT_2026, tenure="lcra"),
        complaint("R-LATE", MON_5_OCT_2026, tenure="lcra", respond_after=14),
        complaint("O-ON", MON_5_OCT_2026, tenure="lcho"),
        complaint("X-LATE", MON_5_OCT_2026, respond_after=12),  # no tenure recorded
    ])
    # Answered in time by its date, but the response was never sent: late, in its own tenure's row.
    unsent = f.log_complaint(handler=handler, actor=handler, tenure="lcra", today=f.RECEIVED)
    actions.acknowledge(unsent, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    actions.respond(unsent, responded_on=f.RESPONDED, points=f.points(), actor=handler, today=f.RESPONDED)

    s1 = annual_figures(2026)["stage1"]
    by = s1["within_timescale_by_tenure"]
    assert by["lcra"] == {"responded": 3, "within_timescale": 1, "within_timescale_percent": 33.3}
    assert by["lcho"] == {"responded": 1, "within_timescale": 1, "within_timescale_percent": 100.0}
    assert by["not_recorded"] == {"responded": 1, "within_timescale": 0, "within_timescale_percent": 0.0}
    assert sum(r["responded"] for r in by.values()) == s1["responded"] == 5
    assert sum(r["within_timescale"] for r in by.values()) == s1["within_timescale"] == 2
    assert annual_figures(2026)["stage2"]["within_timescale_by_tenure"]["not_recorded"]["responded"] == 0
    assert refs(case_filters(2026, "stage1.within_timescale_by_tenure.lcra.within_timescale")) == {"R-ON"}
    assert refs(case_filters(2026, "stage1.within_timescale_by_tenure.not_recorded.responded")) == {"X-LATE"}
    with pytest.raises(KeyError):
        case_filters(2026, "stage1.within_timescale_by_tenure.council.responded")

    html = annual_html(2026, today=f.TODAY)
    assert "Complaints by tenure (CH01 and CH02)" in html and "Tenure not recorded" in html
    assert "1 of 3 (33.3%)" in html
    assert "Complaints by tenure (CH01 and CH02)" in quarter_html(2026, 3, today=f.TODAY)


def test_other_refusals_are_listed_by_what_they_were_about(manager):
    def refuse_other(about: str, day: dt.date):
        case = f.log_complaint(received_on=day, today=day)
        actions.refuse(case, refused_on=day, reason=RefusalReason.OTHER, explanation="Not a matter for our complaints procedure.",
                       ombudsman_rights_given=True, about=about, actor=manager, today=day)
        return case

    a = refuse_other("A claim on the resident's home insurance", wd(MON_5_OCT_2026, 1))
    b = refuse_other("A claim on the resident's home insurance", wd(MON_5_OCT_2026, 2))
    c = refuse_other("A neighbour dispute with no tenancy breach", wd(MON_5_OCT_2026, 3))
    load([{"reference": "IMP-OTHER", "kind": "complaint", "received_on": MON_5_OCT_2026.isoformat(),
           "refused_on": MON_5_OCT_2026.isoformat(), "refusal_reason": "other",
           "refusal_explanation": "Not a complaint about our service.", "refusal_ombudsman_rights_given": "yes"}])

    refused = annual_figures(2026)["refused"]
    assert refused["by_reason"]["other"] == 4
    assert refused["other_by_about"] == {
        "A claim on the resident's home insurance": 2,
        "A neighbour dispute with no tenancy breach": 1,
        "Not recorded": 1,
    }
    assert set(case_filters(2026, "refused.other_by_about.A claim on the resident's home insurance")) == {a, b}
    assert set(case_filters(2026, "refused.other_by_about.A neighbour dispute with no tenancy breach")) == {c}
    assert refs(case_filters(2026, "refused.other_by_about.Not recorded")) == {"IMP-OTHER"}
    html = annual_html(2026, today=f.TODAY)
    assert "Complaints refused for another reason, by what they were about" in html
    assert "A neighbour dispute with no tenancy breach" in html

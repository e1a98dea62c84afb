"""Awaab's Law figures for the reports: on time, late, not yet due; medians; complaints alongside."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases import actions as case_actions
from putright.cases.tests.factories import log_service_request
from putright.hazards import actions
from putright.hazards.figures import hazard_figures
from putright.hazards.models import Outcome
from putright.reports.render import quarter_html
from putright.rules.hazards import local_moment

from .helpers import raise_damp

pytestmark = pytest.mark.django_db


def at(*args):
    return local_moment(dt.datetime(*args))


def test_figures_cannot_be_flattered(handler, resident):
    on_time = raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 10, 5, 9, 0))
    actions.record_investigation(on_time, concluded_at=at(2026, 10, 9, 9, 0), investigator="D", findings="f", outcome=Outcome.NO_HAZARD, actor=handler)
    actions.record_summary(on_time, given_on=dt.date(2026, 10, 12), actor=handler)
    never = raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 11, 2, 9, 0))  # due 16 Nov, not done
    case_actions.convert_to_complaint(never.case, received_on=dt.date(2026, 11, 20), description="Nobody came.", actor=handler, today=dt.date(2026, 11, 23))
    raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 11, 20, 9, 0))  # due 4 Dec
    emergency = raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, category="emergency", aware_at=at(2026, 11, 6, 20, 0))
    actions.record_investigation(emergency, concluded_at=at(2026, 11, 7, 2, 0), investigator="D", findings="f", outcome=Outcome.EMERGENCY_FOUND, actor=handler)
    actions.record_safety_work(emergency, done_at=at(2026, 11, 7, 21, 0), work="Capped.", actor=handler)  # an hour late

    figures = hazard_figures(dt.date(2026, 10, 1), dt.date(2026, 12, 31), now=at(2026, 11, 23, 10, 0))
    emergency_figures, significant = figures["categories"]
    assert figures["reported"] == 4 and significant["reported"] == 3 and emergency_figures["reported"] == 1
    investigate = significant["steps"][0]
    assert (investigate["step"], investigate["on_time"], investigate["late"], investigate["not_yet_due"]) == ("investigate_by", 1, 1, 1)
    assert investigate["percent_on_time"] == 50
    assert significant["median_to_investigate"] == 4  # Mon 5 Oct to Fri 9 Oct
    assert emergency_figures["median_to_investigate"] == 6.0
    safety = {s["step"]: s for s in emergency_figures["steps"]}["safety_work_by"]
    assert (safety["on_time"], safety["late"]) == (0, 1)
    assert figures["complaints_from_households"] == 1 and figures["complaints_about_hazards"] == 1


def test_the_board_report_has_the_section(handler, resident):
    raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 11, 2, 9, 0))
    html = quarter_html(2026, 3, today=dt.date(2026, 11, 23))
    assert "Hazards in residents' homes (Awaab's Law)" in html
    assert "Significant hazards: 1 reported" in html


def test_the_report_json_has_the_figures_too(handler, resident):
    # Issue 17: `putright report annual --format json` carried no hazard figures (the HTML and PDF did).
    import io
    import json

    from django.core.management import call_command

    raise_damp(log_service_request(resident=resident, actor=handler), actor=handler, aware_at=at(2026, 11, 2, 9, 0))  # due 16 Nov, not done
    for args in (["annual", "--year", "2026"], ["quarter", "--year", "2026", "--quarter", "3"]):
        out = io.StringIO()
        call_command("report", *args, "--format", "json", stdout=out)
        figures = json.loads(out.getvalue())
        hazards = figures["hazards"]
        emergency, significant = hazards["categories"]
        assert (hazards["reported"], emergency["reported"], significant["reported"]) == (1, 0, 1)
        investigate = {s["step"]: s for s in significant["steps"]}["investigate_by"]
        assert (investigate["on_time"], investigate["late"], investigate["not_yet_due"]) == (0, 1, 0)
        assert hazards["as_of"] <= figures["period"]["end"]
        assert "Awaab's Law" in figures["definitions"]["hazards"]

"""Issue 12 through the pages: the rules hold on the staff pages too, and the complaints
manager sees the steps recorded late, with who and when."""

import datetime as dt

import pytest
from django.utils import timezone

from putright.cases.models import ClosureDay, Extension, LateEntry, Stage
from putright.rules.lifecycle import State

from . import factories as f
from .test_views_forms import date_fields, error_summary, step_url

pytestmark = pytest.mark.django_db


def _extend_data(told_on: dt.date, **extra) -> dict:
    return {
        **date_fields("new_respond_by", dt.date(2026, 11, 25)), "reason": "Waiting for the contractor.",
        **date_fields("resident_told_on", told_on), "ombudsman_details_given": "on", "update_every_working_days": "5", **extra,
    }


def test_a_late_extension_needs_a_reason_on_the_page_and_is_listed_for_the_manager(client, handler, manager):
    # The case was answerable by 18 Nov 2026; the page is used later (the real date), telling the
    # resident "15 Nov": the extension is a late entry.
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    client.force_login(handler)
    response = client.post(step_url(case, "extend"), _extend_data(dt.date(2026, 11, 16)))
    assert response.status_code == 200
    summary = error_summary(response)
    assert "after its deadline of Wed 18 Nov 2026 had passed" in summary and "count as late" in summary
    assert not Extension.objects.exists()
    response = client.post(step_url(case, "extend"), _extend_data(dt.date(2026, 11, 16), late_entry_reason="Phone note found later."))
    assert response.status_code == 302
    assert Stage.objects.get(case=case, number=1).response_counts_late is True
    # The manager's list: who recorded it and when.
    client.force_login(manager)
    html = client.get("/cases/late-entries/").content.decode()
    assert case.reference in html and "Phone note found later." in html and handler.display_name in html
    assert f"{timezone.localdate():%-d %b %Y}" in html
    assert LateEntry.objects.get().recorded_by == handler


def test_only_a_manager_sees_the_list(client, handler, oversight):
    for user in (handler, oversight):
        client.force_login(user)
        assert client.get("/cases/late-entries/").status_code == 403


def test_a_handler_is_refused_the_managers_steps_on_the_pages(client, handler):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler)
    client.force_login(handler)
    for slug in ("refuse", "allocate"):
        assert client.post(step_url(case, slug), {}).status_code == 403


def test_the_refuse_page_asks_for_what_a_refusal_needs(client, handler, manager):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler)
    client.force_login(manager)
    data = {**date_fields("refused_on", timezone.localdate()), "reason": "legal_proceedings", "explanation": "A claim at court.",
            "ombudsman_rights_given": "on", **date_fields("proceedings_started_on", timezone.localdate() + dt.timedelta(days=10))}
    response = client.post(step_url(case, "refuse"), data)
    assert response.status_code == 200 and "had not started on" in error_summary(response)
    data.update(reason="other", **date_fields("proceedings_started_on", parts=("", "", "")))
    response = client.post(step_url(case, "refuse"), data)
    assert "Say what the complaint is about" in error_summary(response)
    data.update(reason="previously_considered", previous_case_reference=case.reference)
    response = client.post(step_url(case, "refuse"), data)
    assert "its own stage 1 is not a previous complaint" in error_summary(response)


def test_a_closed_case_still_offers_stage_2_on_the_page(client, handler):
    case = f.complaint_at(State.CLOSED, handler=handler)  # closed after the stage 1 response
    client.force_login(handler)
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert step_url(case, "request-stage-2") in html
    response = client.post(step_url(case, "request-stage-2"), {**date_fields("requested_on", timezone.localdate()), "reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED


def test_the_admin_refuses_a_closure_day_already_past(client, admin_user):
    client.force_login(admin_user)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = client.post("/admin/cases/closureday/add/", {"day": day.isoformat(), "label": "Snow"})
    assert response.status_code == 200 and "must be recorded before it happens" in response.content.decode()
    assert not ClosureDay.objects.exists()

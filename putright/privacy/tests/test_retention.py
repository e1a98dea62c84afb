"""`putright retention` lists what its schedule makes due (and what is held, and why);
`--apply` anonymises it; every run is recorded with counts, never names."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from putright.cases import actions
from putright.cases.tests import factories as f
from putright.ombudsman.actions import close_ombudsman_case, open_ombudsman_case
from putright.portal.models import DraftFile
from putright.privacy import actions as privacy_actions
from putright.privacy.models import AnonymisedCase, Hold, HoldReason, RetentionRun, RetentionSchedule
from putright.privacy.retention import add_years, due, run_once
from putright.residents.models import Resident
from putright.rules.errors import RuleViolation

pytestmark = pytest.mark.django_db
D = dt.date


def when(year: int, month: int, day: int) -> dt.date:
    """A date of this history, written as if today were 23 November 2026 and moved with the frozen
    clock, so that what is due stays due whatever day the suite runs (PUTRIGHT_TEST_TODAY)."""
    return D(year, month, day) + (timezone.localdate() - D(2026, 11, 23))


def words(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def ended_and_kept(year: int, month: int, day: int, years: int = 6) -> str:
    ended = when(year, month, day)
    return f"ended {words(ended)}, kept until {words(add_years(ended, years))}"


def withdrawn(received_on, withdrawn_on, *, resident=None, kind="complaint", today):
    log = {"complaint": f.log_complaint, "service_request": f.log_service_request, "compliment": f.log_compliment}[kind]
    case = log(received_on=received_on, resident=resident, today=today)
    return actions.withdraw(case, withdrawn_on=withdrawn_on, reason="Sorted out with the neighbour.", today=today)


@pytest.fixture
def cases(today, manager):
    residents = [Resident.objects.create(name=f"Person {i}", email=f"p{i}@example.org") for i in range(6)]
    made = {
        "old complaint": withdrawn(when(2019, 12, 2), when(2020, 1, 10), resident=residents[0], today=today),
        "recent complaint": withdrawn(when(2021, 5, 4), when(2021, 6, 1), resident=residents[1], today=today),
        "old request": withdrawn(when(2023, 12, 1), when(2024, 1, 2), resident=residents[2], kind="service_request", today=today),
        "recent request": withdrawn(when(2025, 1, 6), when(2025, 1, 8), resident=residents[3], kind="service_request", today=today),
        "old compliment": withdrawn(when(2025, 6, 2), when(2025, 6, 3), resident=residents[4], kind="compliment", today=today),
        "legal hold": withdrawn(when(2019, 3, 4), when(2019, 4, 1), resident=residents[5], today=today),
        "ombudsman hold": withdrawn(when(2019, 5, 1), when(2019, 6, 3), today=today),
        "open": f.log_complaint(received_on=when(2019, 1, 7), today=today),
    }
    privacy_actions.place_hold(made["legal hold"], reason=HoldReason.LEGAL, explanation="County court claim K00AB123.", actor=manager, today=today)
    return made


def refs(items) -> set[str]:
    return {item.case.reference for item in items}


def test_it_finds_what_is_due_by_kind_and_what_is_held_and_why(cases, today):
    due_now, held = due(today)
    assert refs(due_now) == {cases[k].reference for k in ("old complaint", "old request", "old compliment", "ombudsman hold")}
    (legal,) = held
    assert legal.case == cases["legal hold"]
    assert legal.held == [f"legal proceedings (hold placed {words(today)})"]
    assert ended_and_kept(2020, 1, 10) in next(d for d in due_now if d.case == cases["old complaint"]).reason


def test_an_open_ombudsman_case_holds_the_case_until_it_closes(cases, today, handler):
    from putright.ombudsman.models import Category

    oc = open_ombudsman_case(category=list(Category)[0], opened_on=when(2026, 10, 1), case=cases["ombudsman hold"], actor=handler, today=today)
    due_now, held = due(today)
    assert cases["ombudsman hold"].reference not in refs(due_now)
    assert [h.held for h in held if h.case == cases["ombudsman hold"]] == [["an Ombudsman case is open"]]
    close_ombudsman_case(oc, closed_on=today, actor=handler, today=today)
    assert cases["ombudsman hold"].reference in refs(due(today)[0])


def test_the_schedule_in_settings_decides(cases, today):
    schedule = RetentionSchedule.load()
    schedule.complaint_years = 4
    schedule.save()
    assert cases["recent complaint"].reference in refs(due(today)[0])


def test_a_lifted_hold_no_longer_holds(cases, today, manager):
    hold = Hold.objects.get(case=cases["legal hold"])
    privacy_actions.lift_hold(hold, actor=manager, today=today)
    assert cases["legal hold"].reference in refs(due(today)[0])


def test_only_a_manager_places_a_hold_and_says_why(cases, handler, manager, today):
    with pytest.raises(PermissionDenied):
        privacy_actions.place_hold(cases["open"], reason=HoldReason.MANAGER, explanation="Pending review.", actor=handler)
    with pytest.raises(RuleViolation) as excinfo:
        privacy_actions.place_hold(cases["open"], reason=HoldReason.MANAGER, explanation="  ", actor=manager)
    assert excinfo.value.field == "explanation"


def test_the_command_lists_then_applies_and_records_counts_never_names(cases, today, settings):
    old = DraftFile.objects.create(draft="abc", file=ContentFile(b"my photo", name="photo.jpg"), name="photo.jpg", content_type="image/jpeg", size=8)
    DraftFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=22))
    fresh = DraftFile.objects.create(draft="def", file=ContentFile(b"new", name="new.jpg"), name="new.jpg", content_type="image/jpeg", size=3)

    out = io.StringIO()
    call_command("retention", stdout=out)
    text = out.getvalue()
    assert f"{cases['old complaint'].reference}: complaint {ended_and_kept(2020, 1, 10)}" in text
    assert f"{cases['legal hold'].reference}: complaint ended {words(when(2019, 4, 1))}" in text and "held: legal proceedings" in text
    assert "Nothing changed" in text
    assert not AnonymisedCase.objects.exists()

    out = io.StringIO()
    call_command("retention", "--apply", stdout=out)
    assert "Anonymised: 4 case(s). Unfinished online complaints deleted: 0 (files: 1)." in out.getvalue()
    assert set(AnonymisedCase.objects.values_list("case__reference", flat=True)) == {
        cases[k].reference for k in ("old complaint", "old request", "old compliment", "ombudsman hold")
    }
    assert list(DraftFile.objects.all()) == [fresh]
    assert Resident.objects.get(pk=cases["old complaint"].resident_id).name.startswith("Anonymised resident")
    listed, applied = RetentionRun.objects.order_by("started_at", "id")
    assert (listed.applied, applied.applied) == (False, True)
    assert applied.counts["anonymised"] == 4 and applied.counts["held"] == 1
    recorded = json.dumps([listed.counts, applied.counts]).lower()
    assert "person" not in recorded and "@" not in recorded

    # Idempotent: a second run finds nothing more to do.
    again = run_once()
    assert (again["due"], again.get("anonymised", 0), again["held"]) == (0, 0, 1)


def test_add_years_keeps_29_february_inside_the_year():
    assert add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)
    assert add_years(D(2020, 1, 10), 6) == D(2026, 1, 10)


def test_the_worker_follows_the_apply_daily_setting(cases):
    schedule = RetentionSchedule.load()
    schedule.apply_daily = False
    schedule.save()
    assert run_once()["due"] == 4 and not AnonymisedCase.objects.exists()
    assert RetentionRun.objects.get().run_by == "worker"
    schedule.apply_daily = True
    schedule.save()
    assert run_once()["anonymised"] == 4


def test_a_complaint_about_a_service_request_keeps_the_request(today):
    request = f.log_service_request(received_on=when(2023, 11, 1), today=today)
    complaint = actions.convert_to_complaint(request, received_on=when(2023, 11, 20), description="Nobody came.", today=today)
    actions.withdraw(request, withdrawn_on=when(2023, 12, 1), today=today)
    due_now, held = due(today)
    assert refs(due_now) == set()
    assert [(h.case, h.held) for h in held] == [(request, [f"linked case {complaint.reference} is kept for longer"])]
    # Once the complaint has ended and its six years have passed, both are due together.
    actions.withdraw(complaint, withdrawn_on=when(2023, 12, 4), today=today)
    assert refs(due(when(2030, 1, 1))[0]) == {request.reference, complaint.reference}

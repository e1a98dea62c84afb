"""`putright demo`: a landlord a complaints team can explore, with cases in every state."""

import datetime as dt

from django.core.management import call_command
from django.db.models import Count

from putright.accounts.models import Role, User
from putright.cases.demo import build_demo
from putright.cases.models import Case, CaseEvent, Extension, Refusal, Stage
from putright.rules.lifecycle import State


def test_it_builds_cases_in_every_state_through_the_service_path(db):
    today = dt.date(2026, 11, 23)
    build_demo(today=today, residents=60, complaints=160, requests=30, compliments=10)

    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    states = set(Case.objects.values_list("state", flat=True))
    assert {
        State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED, State.CLOSED,
        State.REFUSED, State.OPEN,
    } <= states
    assert Stage.objects.filter(number=2).exists()
    assert Extension.objects.exists()
    assert Refusal.objects.filter(ombudsman_rights_given=True).exists()
    # Some are overdue, so the queue has something to show.
    assert Case.objects.filter(is_open=True, next_deadline_by__lt=today).exists()
    # Two reporting years of history.
    assert Case.objects.filter(received_on__lt=dt.date(2025, 4, 1)).exists()
    # Every case has a timeline, begun by its logging.
    assert not Case.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert CaseEvent.objects.filter(kind="logged").count() == Case.objects.count()
    # Stage 2 is never handled by the stage 1 handler (6.13).
    for stage2 in Stage.objects.filter(number=2, handler__isnull=False).select_related("case"):
        assert stage2.handler_id != stage2.case.stages.get(number=1).handler_id


def test_it_prints_how_to_sign_in_and_adds_nothing_the_second_time(db, capsys):
    call_command("demo", residents=10, complaints=5, requests=2, compliments=1)
    first = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in first
    assert "manager" in first and "password: putright-demo" in first
    count = Case.objects.count()
    call_command("demo", residents=10, complaints=5, requests=2, compliments=1)
    assert "already here" in capsys.readouterr().out
    assert Case.objects.count() == count
    assert User.objects.get(username="manager").check_password("putright-demo")

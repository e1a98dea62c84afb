"""Respond in one pass: the points start from the agreed definition, a remedy and an action go
on the same page, and the handler lands on the drafted response letter (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from putright.cases import actions
from putright.cases.forms.respond import definition_points
from putright.cases.models import Case, CaseEvent, OutstandingAction, Remedy
from putright.cases.tests import factories as f
from putright.letters.models import Letter
from putright.letters.tests import factories as lf
from putright.rules.lifecycle import State

DEFINITION = "1. The kitchen leak was not repaired on time.\n2. Nobody called back.\n- The contractor left a mess."


@pytest.fixture
def case(handler, resident, today):
    lf.landlord()
    # Received and acknowledged today, so nothing is recorded late (putright.rules.recording).
    case = f.log_complaint(received_on=today, handler=handler, resident=resident, today=today)
    return actions.acknowledge(case, actor=handler, today=today, **f.ack_kwargs(definition=DEFINITION, acknowledged_on=today))


def url(case):
    return reverse("cases:action", args=[case.reference, "respond"])


def dates(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def answers(today, **extra):
    data = {**dates("responded_on", today), "points": "3"}
    for i, point in enumerate(definition_points(DEFINITION), start=1):
        data.update({f"point_{i}": point, f"decision_{i}": "upheld" if i < 3 else "not_upheld", f"reasons_{i}": f"Reason {i}."})
    return {**data, **extra}


def test_it_splits_a_definition_into_points():
    assert definition_points(DEFINITION) == ["The kitchen leak was not repaired on time.", "Nobody called back.", "The contractor left a mess."]
    assert definition_points("One paragraph about the leak.") == ["One paragraph about the leak."]
    assert definition_points("") == []


def test_it_starts_from_the_agreed_definitions_points(client, handler, case):
    client.force_login(handler)
    response = client.get(url(case))
    html = response.content.decode()
    assert "The complaint as agreed at acknowledgement" in html
    form = response.context["form"]
    assert [form[f"point_{i}"].value() for i in (1, 2, 3)] == definition_points(DEFINITION)
    assert "point_4" not in form.fields
    assert 'name="remedy_kind"' in html and 'name="action_description"' in html


def test_it_adds_a_point_and_saves_nothing(client, handler, case):
    client.force_login(handler)
    events = CaseEvent.objects.count()
    response = client.post(url(case), answers(case.received_on + dt.timedelta(days=10), add_point="1"))
    assert response.status_code == 200
    assert "point_4" in response.context["form"].fields
    assert 'name="points" value="4"' in response.content.decode()
    assert response.context["form"]["reasons_2"].value() == "Reason 2."  # what was typed stays
    assert CaseEvent.objects.count() == events


def test_it_records_the_response_remedy_and_action_then_opens_the_letter(client, handler, case, today):
    client.force_login(handler)
    data = answers(
        today, remedy_kind="financial", remedy_description="Pay for the damaged flooring.", remedy_amount="£1,250",
        remedy_payment_method="money", **dates("remedy_due_by", today + dt.timedelta(days=14)),
        action_description="Replace the kitchen pipework.", **dates("action_due_by", today + dt.timedelta(days=21)),
    )
    response = client.post(url(case), data)
    assert response.status_code == 302
    letter = Letter.objects.get(case=case)
    assert response.url == reverse("letters:letter", args=[letter.pk]) and letter.kind == "stage1_response"
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.STAGE1_RESPONDED
    assert [p.point for p in case.stage(1).points.all()] == definition_points(DEFINITION)
    remedy = Remedy.objects.get(case=case)
    assert (remedy.amount, remedy.description) == (1250, "Pay for the damaged flooring.")
    assert OutstandingAction.objects.get(case=case).description == "Replace the kitchen pipework."
    page = client.get(response.url).content.decode()
    assert "Pay for the damaged flooring" in page  # in the letter's required parts


def test_it_saves_nothing_when_the_remedy_is_refused(client, handler, case, today):
    client.force_login(handler)
    events = CaseEvent.objects.count()
    data = answers(today, remedy_kind="financial", remedy_description="Pay for the flooring.")  # no amount (7.1)
    response = client.post(url(case), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.STAGE1_ACKNOWLEDGED  # the response rolled back too
    assert CaseEvent.objects.count() == events and not Remedy.objects.exists()


def test_adding_a_point_shows_no_errors_yet(client, handler, case):
    client.force_login(handler)
    response = client.post(url(case), {"points": "3", "add_point": "1"})
    assert "There is a problem" not in response.content.decode()
    assert "point_4" in response.context["form"].fields

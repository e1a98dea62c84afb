"""Triage where staff work: logging a case, a service request's page and the queue. It suggests;
nothing is saved until the handler logs it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import Case, Theme
from putright.cases.tests.test_views_forms import date_fields
from putright.triage.models import ThemeMapping
from putright.triage.staff import reads_as_dissatisfied, suggest_for_log

pytestmark = pytest.mark.django_db

UNHAPPY = "Reported the leak in my bathroom three times since June and nobody has come. Not good enough."


@pytest.fixture
def signed_in(client, handler):
    client.force_login(handler)
    return client


def log_url(resident) -> str:
    return f"{reverse('cases:log')}?resident={resident.pk}"


def test_asking_for_a_suggestion_preselects_kind_and_theme_and_saves_nothing(signed_in, resident):
    repairs = Theme.objects.create(name="Repairs")
    Theme.objects.create(name="Damp and mould")
    response = signed_in.post(log_url(resident), {"description": UNHAPPY, "suggest": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert 'id="triage-suggestion"' in html
    assert "This reads as a complaint" in html and "about repairs" in html
    assert "<mark>three times since June</mark>" in html
    assert 'value="complaint" checked' in html
    assert f'value="{repairs.pk}" checked' in html
    assert "govuk-error-summary" not in html  # the rest is not filled in yet, and that is fine


def test_the_handler_decides_what_is_logged(signed_in, resident):
    response = signed_in.post(log_url(resident), {
        "description": UNHAPPY, "kind": "service_request", "channel": "phone", **date_fields("received_on", timezone.localdate()),
    })
    assert response.status_code == 302
    assert Case.objects.get().kind == "service_request"  # suggested complaint, logged as chosen


def test_a_landlord_maps_built_in_themes_to_its_own():
    plumbing = Theme.objects.create(name="Plumbing and leaks")
    Theme.objects.create(name="Repairs")
    ThemeMapping.objects.create(builtin="repairs", theme=plumbing)
    assert suggest_for_log(UNHAPPY).themes == [plumbing]
    assert suggest_for_log("My boiler is broken").themes == []  # no mapping, no theme of that name


def service_request(resident, handler, text):
    return actions.log_case(kind="service_request", received_on=timezone.localdate(), description=text, channel="phone", resident=resident, actor=handler)


def test_a_service_request_that_reads_as_dissatisfaction_offers_a_complaint(signed_in, resident, handler):
    case = service_request(resident, handler, "Still no hot water after two visits, nobody has called me back.")
    html = signed_in.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="triage-dissatisfied"' in html
    assert "Raise a complaint about it" in html
    assert reverse("cases:action", args=[case.reference, "raise-complaint"]) in html
    queue = signed_in.get(reverse("cases:queue"), {"cases": "all"}).content.decode()
    assert "Reads as dissatisfied" in queue


def test_a_plain_request_is_not_flagged_and_nor_is_one_already_raised(signed_in, resident, handler):
    plain = service_request(resident, handler, "Please could someone look at my kitchen tap, it drips.")
    assert 'id="triage-dissatisfied"' not in signed_in.get(reverse("cases:detail", args=[plain.reference])).content.decode()
    unhappy = service_request(resident, handler, "Still no hot water after two visits, nobody has called me back.")
    actions.convert_to_complaint(unhappy, received_on=timezone.localdate(), description="Unhappy with the wait", channel="phone", actor=handler)
    assert reads_as_dissatisfied(unhappy) is None


def test_a_later_message_from_the_resident_counts(resident, handler):
    case = service_request(resident, handler, "Please could someone look at my kitchen tap, it drips.")
    assert reads_as_dissatisfied(case) is None
    actions.add_correspondence(case, direction="in", occurred_on=timezone.localdate(), subject="Tap", body="Still waiting, nobody came on Tuesday as promised.", actor=handler)
    assert reads_as_dissatisfied(case).kind == "complaint"


def test_a_form_opened_with_the_residents_words_preselects_the_suggestion(handler, resident):
    """What the mailbox's "inbox to log" does: open the form with the message as its description."""
    from putright.cases.forms.log import LogCaseForm

    repairs = Theme.objects.create(name="Repairs")
    form = LogCaseForm(initial={"description": UNHAPPY}, user=handler, resident=resident)
    assert form["kind"].value() == "complaint"
    assert form["themes"].value() == [str(repairs.pk)]
    assert "three times since June" in form.suggestion.why
    assert not form.is_bound

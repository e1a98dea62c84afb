"""The resident's complaint page and emails (issue 16): how to go to the Housing Ombudsman once
the complaints process is finished, the landlord's number as a link a phone can tap, and no ".:"
after a point or remedy that ends in a full stop."""

from __future__ import annotations

import pytest
from django.utils import timezone

from putright.cases import actions
from putright.cases.models import CaseEvent, LandlordSettings, RemedyKind
from putright.cases.templatetags.wording import tel_href
from putright.cases.tests.factories import complaint_at
from putright.notifications import emails
from putright.portal.tests.test_track import sign_in
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


def _page(client, resident, case) -> str:
    sign_in(client, resident.email)
    return client.get(f"/my-cases/{case.reference}/").content.decode()


@pytest.mark.parametrize("state, words", [
    (State.STAGE2_RESPONDED, "Our complaints process has finished for this complaint."),
    (State.REFUSED, "look at our decision not to accept your complaint"),
    (State.CLOSED, "you can ask the Housing Ombudsman to look at"),
])
def test_a_finished_complaint_says_how_to_go_to_the_housing_ombudsman(client, resident, handler, other_handler, state, words):
    case = complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident, today=timezone.localdate())
    html = _page(client, resident, case)
    assert "If you are still unhappy: the Housing Ombudsman" in html
    assert words in html
    assert "0300 111 3000" in html  # the Ombudsman's details, from Settings
    assert 'href="/how-to-complain/ombudsman/"' in html


def test_a_complaint_still_being_handled_does_not_send_the_resident_to_the_ombudsman_yet(client, resident, handler):
    case = complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident, today=timezone.localdate())
    assert "If you are still unhappy: the Housing Ombudsman" not in _page(client, resident, case)


@pytest.mark.parametrize("number, href", [
    ("01632 960 001", "tel:+441632960001"), ("0800 123 4567", "tel:+448001234567"),
    ("+44 (0)20 7946 0000", "tel:+440207946 0000".replace(" ", "")), ("999", "tel:999"),
])
def test_a_phone_number_becomes_a_tel_address(number, href):
    assert tel_href(number) == href


def test_the_landlords_phone_number_can_be_tapped(client, resident, handler):
    settings = LandlordSettings.load()
    settings.complaints_phone = "01632 960 001"
    settings.save()
    case = complaint_at(State.CLOSED, handler=handler, resident=resident, today=timezone.localdate())
    html = _page(client, resident, case)
    assert '<a class="govuk-footer__link" href="tel:+441632960001">01632 960 001</a>' in html
    start = client.get("/").content.decode() + client.get("/how-to-complain/").content.decode()
    assert '<a class="govuk-link" href="tel:+441632960001">01632 960 001</a>' in start


def test_no_full_stop_before_our_colon_on_the_page_or_in_the_response_email(client, resident, handler):
    today = timezone.localdate()
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    actions.add_remedy(case, kind=RemedyKind.FINANCIAL, description="We will pay you for the delay.", amount=50,
                       payment_method="money", due_by=today, completed_on=None, actor=handler)
    html = _page(client, resident, case)
    assert "We will pay you for the delay (£50)" in html
    event = CaseEvent.objects.filter(case=case, kind="responded").latest("id")
    event.data["points"][0]["point"] = "The repair was late."
    messages = emails.response(case, event)
    assert messages
    for message in messages:
        for body in (message.body_text, message.body_html):
            assert "The repair was late: " in body
            assert ".:" not in body
    assert ".:" not in html

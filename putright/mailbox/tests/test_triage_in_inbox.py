"""The inbox to log says what each email reads as, and logging one starts from triage's
suggestion with its reason (issue 20): staff still decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from putright.cases.models import Case, Theme
from putright.cases.tests import factories as f
from putright.mailbox.fetch import store
from putright.mailbox.models import InboundMessage
from putright.mailbox.tests.mail import email

pytestmark = pytest.mark.django_db

UNHAPPY = ("Mould again", "This is the third time I have reported the black mould in my son's bedroom and "
           "nobody has come. I am fed up of being ignored.")
ASKING = ("Gate", "Hello, please could someone fix the gate by the bins, the latch is broken. Thanks.")


def arrive(subject: str, body: str, uid: int) -> InboundMessage:
    received = timezone.now() - dt.timedelta(hours=uid)
    store(email(subject, body), folder="INBOX", uidvalidity=1, uid=uid, received_at=received)
    return InboundMessage.objects.get(subject=subject)


def test_the_inbox_says_what_each_email_reads_as(client, handler):
    arrive(*UNHAPPY, uid=1)
    arrive(*ASKING, uid=2)
    client.force_login(handler)
    html = client.get("/mailbox/").content.decode()
    unhappy_row = html[html.index("Mould again"):html.index("</tr>", html.index("Mould again"))]
    asking_row = html[html.index(">Gate<"):html.index("</tr>", html.index(">Gate<"))]
    assert "govuk-tag--red" in unhappy_row and ">Complaint<" in unhappy_row
    assert "Service request" in asking_row and "govuk-tag" not in asking_row


def test_what_it_reads_as_is_stored_when_it_arrives_and_the_inbox_reads_that(client, handler):
    unhappy = arrive(*UNHAPPY, uid=1)
    asking = arrive(*ASKING, uid=2)
    assert (unhappy.reads_as, asking.reads_as) == ("complaint", "service_request")
    # The inbox shows the stored reading, not a fresh one: changed by hand, the page follows it.
    InboundMessage.objects.filter(pk=asking.pk).update(reads_as="compliment")
    client.force_login(handler)
    html = client.get("/mailbox/").content.decode()
    asking_row = html[html.index(">Gate<"):html.index("</tr>", html.index(">Gate<"))]
    assert "Compliment" in asking_row


def test_an_email_stored_before_the_column_existed_is_read_when_shown(client, handler):
    unhappy = arrive(*UNHAPPY, uid=1)
    InboundMessage.objects.filter(pk=unhappy.pk).update(reads_as="")
    client.force_login(handler)
    html = client.get("/mailbox/").content.decode()
    row = html[html.index("Mould again"):html.index("</tr>", html.index("Mould again"))]
    assert "govuk-tag--red" in row and ">Complaint<" in row


def test_an_email_joined_to_its_case_is_not_read(handler):
    case = f.log_complaint(handler=handler)
    store(email(f"Re: {case.reference}", UNHAPPY[1]), folder="INBOX", uidvalidity=1, uid=9, received_at=timezone.now())
    message = InboundMessage.objects.get(uid=9)
    assert message.case == case and message.reads_as == ""


def test_logging_starts_from_the_suggestion_and_its_words(client, handler):
    damp = Theme.objects.create(name="Damp and mould")
    Theme.objects.create(name="Repairs")
    item = arrive(*UNHAPPY, uid=1)
    client.force_login(handler)
    page = client.get(f"/mailbox/{item.pk}/log/").content.decode()
    assert "This reads as a complaint" in page and "about damp and mould" in page
    assert "<mark>nobody has come</mark>" in page
    assert 'checked' in page.split('value="complaint"')[1][:80]
    theme_box = page.split(f'value="{damp.pk}"')[1][:80]
    assert "checked" in theme_box


def test_the_handler_decides_and_the_themes_are_kept(client, handler):
    damp = Theme.objects.create(name="Damp and mould")
    repairs = Theme.objects.create(name="Repairs")
    item = arrive(*UNHAPPY, uid=1)
    client.force_login(handler)
    # The handler disagrees with the theme and says it is repairs; it is logged as they chose.
    answer = client.post(f"/mailbox/{item.pk}/log/", {"kind": "complaint", "description": UNHAPPY[1], "themes": [repairs.pk]})
    case = Case.objects.get()
    assert answer.status_code == 302
    assert (case.kind, list(case.themes.all())) == ("complaint", [repairs])
    assert damp not in case.themes.all()


def test_a_sent_form_keeps_what_the_handler_chose(client, handler):
    item = arrive(*UNHAPPY, uid=1)
    client.force_login(handler)
    # Sent with the kind changed and the description emptied: the error page keeps "compliment".
    page = client.post(f"/mailbox/{item.pk}/log/", {"kind": "compliment", "description": ""}).content.decode()
    assert "There is a problem" in page
    assert 'checked' in page.split('value="compliment"')[1][:80]
    assert 'checked' not in page.split('value="complaint"')[1][:80]

"""Evidence from the complaints received: service requests and surveys (1.4–1.6), acceptance
(2.1), channels, staff, volumes and representatives (3.1–3.3, 3.6), the record (5.12), linked
complaints (6.8)."""

from __future__ import annotations

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import Channel, Direction, HomesOwned
from putright.portal.models import SurveyResponse
from putright.reports.tests.histories import complaint as imported_complaint
from putright.reports.tests.histories import load, wd
from putright.residents.models import Representative
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Kind
from putright.selfassessment import evidence as data

from .history import DAY, TODAY, complaint, evidence


@pytest.fixture
def received(handler, resident):
    """Nine complaints received in 2025/26 (one refused, one imported without the resident's words),
    two of them raised from service requests, and one received the day before the year began."""

    def request(day):
        return actions.log_case(kind=Kind.SERVICE_REQUEST, received_on=day, description="Please fix my boiler.",
                                actor=handler, today=TODAY)

    carries_on, dealt_with = request(dt.date(2025, 5, 1)), request(dt.date(2025, 5, 2))
    request(dt.date(2025, 5, 3))
    actions.convert_to_complaint(carries_on, received_on=DAY, description="Nobody came.", channel=Channel.PHONE, actor=handler, today=TODAY)
    actions.convert_to_complaint(dealt_with, received_on=DAY, description="Still cold.", channel=Channel.EMAIL, actor=handler, today=TODAY)
    actions.close(dealt_with, closed_on=wd(DAY, 3), actor=handler, today=TODAY)

    online = complaint(handler, channel=Channel.ONLINE)
    representative = Representative.objects.create(resident=resident, name="Ann Patel", relationship="daughter", consent_given_on=DAY)
    complaint(handler, channel=Channel.PHONE, received_by="Sam at the estate office", resident=resident, representative=representative)
    complaint(handler, channel=Channel.REPRESENTATIVE)
    complaint(handler, channel=Channel.COLLEAGUE)
    refused = complaint(handler, channel=Channel.LETTER)
    actions.refuse(refused, refused_on=wd(DAY, 1), reason=RefusalReason.LEGAL_PROCEEDINGS, explanation="A claim was filed at court.",
                   ombudsman_rights_given=True, proceedings_started_on=dt.date(2025, 4, 1), today=wd(DAY, 1))
    actions.add_related_issue(online, description="The gutter overflows too.", raised_on=wd(DAY, 2), related=False, actor=handler, today=TODAY)
    load([imported_complaint("IMP-1", DAY)])  # no description in the file
    complaint(handler, received_on=dt.date(2025, 3, 31), channel=Channel.SOCIAL_MEDIA)  # 2024/25

    actions.add_correspondence(online, direction=Direction.IN, occurred_on=DAY, body="Photos of the leak.",
                               files=[NewFile("leak.png", "image/png", b"\x89PNG leak")], actor=handler, today=TODAY)
    actions.add_correspondence(online, direction=Direction.OUT, occurred_on=wd(DAY, 1), body="We have your complaint.", actor=handler, today=TODAY)
    actions.add_correspondence(online, direction=Direction.NOTE, occurred_on=wd(DAY, 1), body="Called the contractor.", actor=handler, today=TODAY)

    compliment = actions.log_case(kind=Kind.COMPLIMENT, received_on=DAY, description="The plumber was great.", actor=handler, today=TODAY)
    actions.close(compliment, closed_on=wd(DAY, 1), actor=handler, today=TODAY)
    SurveyResponse.objects.create(case=dealt_with, rating=2)
    SurveyResponse.objects.create(case=compliment, rating=5)
    old = actions.log_case(kind=Kind.COMPLIMENT, received_on=dt.date(2025, 3, 3), description="Thanks.", actor=handler, today=TODAY)
    actions.close(old, closed_on=dt.date(2025, 3, 4), actor=handler, today=TODAY)
    SurveyResponse.objects.create(case=old, rating=1)  # closed in 2024/25: not counted
    return online


def test_it_counts_service_requests_and_the_complaints_raised_from_them(received):
    found = evidence()
    assert found["1.4"].sentence == "Service requests received in 2025/26 and recorded as such, apart from complaints: 3."
    assert found["1.4"].list_key == "service_requests.total"
    assert found["1.5"].sentence == (
        "2 complaints received in 2025/26 were raised about the handling of a service request (2 requests); "
        "of those requests, 1 still open, 1 closed since and 0 withdrawn."
    )
    assert found["1.5"].counts == {"complaints": 2, "service_requests": 2, "requests_open": 1, "requests_closed": 1, "requests_withdrawn": 0}
    assert not found["1.5"].failures


def test_it_counts_survey_answers_apart_from_complaints(received):
    item = evidence()["1.6"]
    assert item.sentence == ("2 answers to the satisfaction survey for cases closed in 2025/26, 1 of them dissatisfied or very "
                             "dissatisfied, recorded as survey feedback, not as complaints.")
    assert item.counts == {"survey_answers": 2, "dissatisfied": 1}


def test_it_counts_complaints_accepted_and_not(received):
    item = evidence()["2.1"]
    assert item.sentence == ("Of the 9 complaints received in 2025/26, 8 were accepted at stage 1 and 1 not accepted, "
                             "each refusal with one of the Code's reasons recorded (2.2).")
    assert item.list_key == "stage1.received" and not item.failures


def test_it_counts_the_channels_the_staff_and_the_representatives(received):
    found = evidence()
    assert found["3.1"].sentence == (
        "The 9 complaints received in 2025/26 (including any not accepted) came by 7 channels: online form 2, phone 2, "
        "email 1, letter 1, other 1, via a colleague 1, via a representative 1."
    )
    assert found["3.1"].counts["channels"] == 7 and found["3.1"].counts["social_media"] == 0
    assert found["3.2"].sentence == ("2 of the 9 complaints received in 2025/26 were taken by a colleague and passed on to be "
                                     "logged (1 colleague or team named); 2 came in through the online form.")
    assert found["3.6"].sentence == ("2 of the 9 complaints received in 2025/26 were made through a representative "
                                     "(1 with the resident's consent to the representative recorded).")
    assert not any(found[n].failures for n in ("3.1", "3.2", "3.6"))


def test_it_gives_complaints_per_1000_homes_when_the_homes_are_set(received):
    assert evidence()["3.3"].sentence == (
        "8 stage 1 and 0 stage 2 complaints received in 2025/26 (2024/25: 1 and 0; 2023/24: 0 and 0); the homes owned "
        "that year are not set, so the rate per 1,000 homes (CH01) cannot be worked out."
    )
    HomesOwned.objects.create(year=2025, lcra=1500, lcho=100)
    item = evidence()["3.3"]
    assert item.sentence == ("8 stage 1 and 0 stage 2 complaints received in 2025/26 (2024/25: 1 and 0; 2023/24: 0 and 0): "
                             "5.0 and 0.0 per 1,000 homes owned (CH01, 1,600 homes).")
    assert item.counts["stage1_per_1000_homes"] == 5.0 and item.list_key == "stage1.received"
    assert not item.failures  # high volumes are not a failure (3.3)


def test_it_finds_complaints_without_the_residents_own_words(received):
    item = evidence()["5.12"]
    assert item.sentence == (
        "8 of the 9 complaints received in 2025/26 have the resident's original complaint on record, 1 does not "
        "(1 of them imported from earlier records); the records hold 3 items of correspondence on them "
        "(1 received, 1 sent, 1 internal note) and 1 attached document."
    )
    assert item.failures == 1 and item.references == ("IMP-1",) and item.more_references == 0
    assert data.warning(item, "yes") == ("Answered yes, but the figures show 1 complaint without the resident's original "
                                         "complaint recorded (1 of them imported from earlier records).")


def test_a_complete_record_gives_no_warning(handler):
    case = complaint(handler)
    actions.add_correspondence(case, direction=Direction.IN, occurred_on=DAY, body="My email.", actor=handler, today=TODAY)
    item = evidence()["5.12"]
    assert item.counts["original_not_recorded"] == 0 and item.counts["correspondence_in"] == 1
    assert data.warning(item, "yes") == ""


def test_it_counts_new_issues_logged_as_linked_complaints(received):
    item = evidence()["6.8"]
    assert item.sentence == "1 new issue raised during a complaint was logged in 2025/26 as a new complaint linked to it."
    assert item.counts == {"linked_complaints": 1}

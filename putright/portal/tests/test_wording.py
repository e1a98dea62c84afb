"""Plain-English errors on the residents' site, the character count, and a phone number that is
one (issue 16)."""

from __future__ import annotations

import pytest

from putright.cases.templatetags.wording import clause, pounds
from putright.portal.tests.helpers import ANSWERS, post_step


def test_a_long_answer_says_its_limit_in_words(client, db):
    response = post_step(client, "what-happened", {"what_happened": "x" * 11_999})
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be 10,000 characters or fewer" in html
    assert "Ensure this value" not in html


def test_a_long_answer_counts_its_characters(client, db):
    html = client.get("/complain/what-happened/").content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in html
    assert "You can enter up to 10,000 characters" in html


def test_the_date_question_is_not_quoted_back(client, db):
    post_step(client, "what-happened", ANSWERS["what-happened"])
    post_step(client, "put-right", ANSWERS["put-right"])
    html = post_step(client, "when", {"when_0": "31", "when_1": "2", "when_2": "2026"}).content.decode()
    assert "The date it happened must be a real date" in html
    assert "When did it happen? must" not in html


@pytest.mark.parametrize("phone, accepted", [("07700 900123", True), ("+44 (0)7700 900-123", True), ("call me", False), ("123", False)])
def test_a_phone_number_must_be_one(client, db, phone, accepted):
    response = post_step(client, "your-details", {"name": "Rita Patel", "phone": phone})
    if accepted:
        assert response.status_code == 302
    else:
        assert "Enter a phone number, like 01632 960 001" in response.content.decode()


def test_our_punctuation_follows_theirs():
    assert clause("The leak was not fixed.") == "The leak was not fixed"
    assert clause("Pay £50 for the delay. ") == "Pay £50 for the delay"
    assert clause("No stop") == "No stop"
    assert pounds("250.00") == "£250"
    assert pounds("1250.5") == "£1,250.50"

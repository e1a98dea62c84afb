"""What a suggestion says and why, message by message (no database)."""

import pytest

from putright.triage import KINDS, THEMES, suggest
from putright.triage.model import probabilities


def test_it_hears_dissatisfaction_without_the_word_complaint():
    s = suggest("Still waiting since June for someone to fix my front door. Nobody has come.")
    assert s.kind == "complaint"
    assert s.theme == "repairs"
    assert "Still waiting since June" in s.why and "Nobody has come" in s.why


def test_a_first_report_even_an_angry_one_is_a_service_request():
    s = suggest("My toilet is blocked and the flat stinks, need someone out TODAY!!!")
    assert s.kind == "service_request"
    assert not s.also_service_request


def test_complaining_about_a_neighbour_is_a_report_not_a_complaint_about_the_landlord():
    assert suggest("I want to make a complaint about my neighbour's dog barking all night").kind == "service_request"
    assert suggest("I reported the barking dog next door four times and you have done nothing").kind == "complaint"


def test_thanks_with_a_sting_is_a_complaint_and_plain_thanks_a_compliment():
    assert suggest("Thanks for finally fixing the boiler. Only took you three months.").kind == "complaint"
    praise = suggest("Thank you to the plumber, brilliant job")
    assert praise.kind == "compliment"
    assert "Thank you" in praise.why


def test_a_complaint_that_asks_for_something_new_is_flagged_as_both():
    s = suggest("This is the third time I've reported the leak and nobody has come. Please send someone today.")
    assert s.kind == "complaint"
    assert s.also_service_request


def test_the_reasons_are_the_residents_own_words():
    text = "ur contractor broke my tiles and they still havent come back. not happy"
    s = suggest(text)
    assert s.why
    assert all(word in text for word in s.why)


@pytest.mark.parametrize("text", ["", "   ", "?", "x" * 50_000, "Ünïcödé İstanbul ﬁx"])
def test_it_answers_anything_with_a_kind_and_a_built_in_theme(text):
    s = suggest(text)
    assert s.kind in KINDS
    assert s.theme in THEMES
    assert 0 <= s.confidence <= 1


def test_it_is_deterministic():
    text = "the mould is back again in my sons room"
    assert suggest(text) == suggest(text)


def test_the_word_model_gives_probabilities():
    p = probabilities("nobody ever answers the phone, I am fed up")
    assert set(p) == set(KINDS)
    assert abs(sum(p.values()) - 1) < 1e-9
    assert p["complaint"] > 0.5

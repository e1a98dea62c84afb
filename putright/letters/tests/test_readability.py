"""Readability: a score, a reading age, long sentences and jargon from the landlord's list.
Advice only: a letter full of jargon is still issued."""

import pytest

from putright.letters import actions as letter_actions
from putright.letters.models import JargonTerm, LetterKind
from putright.letters.readability import assess, sentences
from putright.letters.tests import factories as lf

PLAIN = "We are sorry the repair took so long. We have booked a plumber for Monday. You can ask us to look again."
HARD = (
    "Notwithstanding the aforementioned circumstances, the organisation will endeavour to facilitate the "
    "commencement of remedial works pursuant to its obligations in accordance with the tenancy agreement "
    "and associated contractual documentation, subject to the availability of appropriately qualified operatives."
)


def test_it_scores_plain_english_as_easier_than_jargon():
    plain, hard = assess(PLAIN), assess(HARD)
    assert plain.score > 70 and plain.plain_enough
    assert hard.score < 30 and not hard.plain_enough
    assert hard.reading_age > plain.reading_age


def test_it_flags_sentences_over_25_words():
    result = assess(PLAIN + " " + HARD)
    assert [n for _, n in result.long_sentences] == [len(HARD.split())]
    assert result.long_sentences[0][0].startswith("Notwithstanding")


def test_it_flags_jargon_with_its_plainer_alternative():
    result = assess(HARD + " Please do not escalate. Escalate later.", [("escalate", "ask us to look again"), ("void", "empty home"), ("in accordance with", "under")])
    found = {(j.term, j.plainer, j.count) for j in result.jargon}
    assert found == {("escalate", "ask us to look again", 2), ("in accordance with", "under", 1)}


def test_it_ends_a_sentence_at_a_line_break():
    assert sentences("Your complaint\nThe tap leaks. It is cold!") == ["Your complaint", "The tap leaks.", "It is cold!"]


@pytest.mark.django_db
def test_it_never_blocks_issuing(make_draft, handler):
    JargonTerm.objects.get_or_create(term="notwithstanding", defaults={"plainer": "even though"})
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    letter_actions.save_draft(letter, subject=letter.subject, body_html=f"<p>{HARD}</p>{{{{ required }}}}", actor=handler)
    letter = letter_actions.issue_letter(letter, handler, today=lf.TODAY)
    assert letter.is_issued and "Notwithstanding" in letter.text

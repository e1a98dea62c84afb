"""Plain-English advice on a letter's text: never a rule, never blocks issuing.

- a Flesch reading ease score (textstat; 60-70 is plain English, higher is easier) and an
  approximate reading age (the Flesch-Kincaid grade plus 5, as UK reading ages run about five
  years ahead of US school grades): the aim is about 11;
- sentences over 25 words;
- jargon from the landlord's list (`JargonTerm`), each with its plainer alternative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

LONG_SENTENCE_WORDS = 25
TARGET_READING_AGE = 11

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9£'’-]+")


@dataclass(frozen=True)
class JargonHit:
    term: str
    plainer: str
    count: int


@dataclass(frozen=True)
class Readability:
    score: float  # Flesch reading ease
    reading_age: int
    words: int
    sentences: int
    long_sentences: list[tuple[str, int]] = field(default_factory=list)  # (sentence, words)
    jargon: list[JargonHit] = field(default_factory=list)

    @property
    def plain_enough(self) -> bool:
        return self.reading_age <= TARGET_READING_AGE

    @property
    def verdict(self) -> str:
        if self.score >= 70:
            return "Easy to read"
        if self.score >= 60:
            return "Plain English"
        if self.score >= 50:
            return "Fairly hard to read"
        return "Hard to read"


def sentences(text: str) -> list[str]:
    """Sentences, ending at . ! ? or a line break (a heading or list item ends a sentence)."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and _WORD.search(s)]


def assess(text: str, jargon: Iterable[tuple[str, str]] = ()) -> Readability:
    import textstat  # its syllable dictionary loads on first use

    parts = sentences(text)
    # textstat counts sentences by punctuation only: give it one sentence per line, so headings
    # and list items are not run together into one very long sentence.
    joined = " ".join(p if p[-1] in ".!?" else p + "." for p in parts)
    words = len(_WORD.findall(joined))
    if not words:
        return Readability(score=100.0, reading_age=5, words=0, sentences=0)
    score = round(textstat.flesch_reading_ease(joined), 1)
    grade = textstat.flesch_kincaid_grade(joined)
    long = [(s, n) for s in parts if (n := len(_WORD.findall(s))) > LONG_SENTENCE_WORDS]
    hits = []
    lowered = text.lower()
    for term, plainer in jargon:
        count = len(re.findall(rf"(?<![\w-]){re.escape(term.lower())}(?![\w-])", lowered))
        if count:
            hits.append(JargonHit(term, plainer, count))
    return Readability(
        score=score,
        reading_age=max(5, round(grade + 5)),
        words=words,
        sentences=len(parts),
        long_sentences=long,
        jargon=hits,
    )

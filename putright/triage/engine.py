"""Suggest what a message is: kind, theme, confidence and the words that carried it.

Pure Python: no Django, no model file, no network. The same text always gives the same
suggestion. It suggests; staff decide (Code 1.3: whenever a resident expresses dissatisfaction
they must be offered the choice to complain, so a doubtful message leans to "complaint").
"""

import math
import re
from dataclasses import dataclass, field

from putright.triage import lexicon, model

KINDS = ("complaint", "service_request", "compliment")
THEMES = (
    "repairs", "damp_and_mould", "anti_social_behaviour", "communication", "staff_conduct", "rent_and_charges",
    "estate_services", "heating_and_hot_water", "lettings_and_moves", "safety", "neighbourhood_noise", "other",
)
# When two themes score the same, the more specific one wins (earlier in this list).
_THEME_ORDER = (
    "staff_conduct", "damp_and_mould", "heating_and_hot_water", "neighbourhood_noise", "anti_social_behaviour", "safety",
    "rent_and_charges", "lettings_and_moves", "estate_services", "repairs", "communication", "other",
)

# Dissatisfaction at or above this score reads as a complaint. Set on the building set with a
# miss counted as costlier than a false alarm (see docs/triage.md).
COMPLAINT_THRESHOLD = 2.0
# The word model's probability of "complaint" at or above this also makes a complaint: the cues
# catch what is said outright, the model what is said in words the cues do not list
# (docs/decisions/0009-triage-cues-and-a-word-model.md).
MODEL_THRESHOLD = 0.5
# A complaint that also asks for something to be done.
REQUEST_THRESHOLD = 2.0
# A longer message is read as its first 2,500 and last 1,000 characters (about 600 words): a
# suggestion stays under 20 ms whatever is pasted in, and a long letter's opening and its
# closing ask, where dissatisfaction is usually said, are both read.
HEAD, TAIL = 2_500, 1_000


def _compile(cues):
    return tuple((re.compile(c.pattern), c.weight) for c in cues)


_DISSATISFACTION = _compile(lexicon.DISSATISFACTION)
_PRAISE = _compile(lexicon.PRAISE)
_REQUEST = _compile(lexicon.REQUEST)
_THEMES = {theme: _compile(cues) for theme, cues in lexicon.THEME_CUES.items()}
_VETO = {theme: re.compile(pattern) for theme, pattern in lexicon.THEME_VETO.items()}
_NEIGHBOUR = re.compile(lexicon.NEIGHBOUR_COMPLAINT)
# Asking for something: thanks in a request ("could you book it? Thanks") are manners, not a compliment.
_ASKING = re.compile(r"\?|\b(?:please|could you|can you|can i|can someone|would like|i'd like|i want|need|how do)\b")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    also_service_request: bool
    theme: str
    confidence: float
    why: tuple[str, ...]  # the resident's own words that carried the kind, then the theme
    kind_why: tuple[str, ...] = field(default=())
    theme_why: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "also_service_request": self.also_service_request, "theme": self.theme,
            "confidence": self.confidence, "why": list(self.why),
        }


def _normalise(text: str) -> str:
    """Lower-case without changing any character's position, so matches map back to the original."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        if low in "’‘`":
            low = "'"
        out.append(low)
    return "".join(out)


def _score(cues, norm: str, original: str, skip=()) -> tuple[float, list[tuple[int, int]]]:
    total, found = 0.0, []
    for pattern, weight in cues:
        hits = [m for m in pattern.finditer(norm) if not any(m.start() < b and m.end() > a for a, b in skip)]
        if hits:
            # A cue counts once, twice if heard twice: repetition adds, but not without limit.
            total += weight * min(len(hits), 2) if len(hits) > 1 else weight
            found.extend((m.start(), m.end()) for m in hits[:2])
    return total, found


def _words(found, original: str) -> tuple[str, ...]:
    """The matched stretches of the message, overlapping or touching ones joined into one phrase."""
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    seen, out = set(), []
    for start, end in merged:
        phrase = original[start:end].strip(" ,.;:!?")
        if phrase and phrase.lower() not in seen:
            seen.add(phrase.lower())
            out.append(phrase)
    return tuple(out)


def _locate(words: list[str], norm: str) -> list[tuple[int, int]]:
    """Where the model's words are in the message."""
    found = []
    for word in words:
        at = norm.find(word)
        if at >= 0:
            found.append((at, at + len(word)))
    return found


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def suggest(text: str) -> Suggestion:
    """What this message most likely is, how sure, and why.

    1. Listen for dissatisfaction with the landlord: said outright ("not happy"), or said by what
       happened ("third time", "still waiting since June", "nobody came"). "Complain about my
       neighbour" is set aside: that is a report about a neighbour, not about the landlord.
    2. Dissatisfaction at the threshold or above is a complaint, thanks or no thanks (thanks with a
       sting is still a complaint), and so is a message the word model reads as one; otherwise
       thanks make a compliment and anything else is a service request.
    3. The theme is the word model's likeliest; its words and the listed ones for it say why.
    """
    original = text or ""
    if len(original) > HEAD + TAIL:
        original = original[:HEAD] + " … " + original[-TAIL:]
    norm = _normalise(original)
    neighbour = [(m.start(), m.end()) for m in _NEIGHBOUR.finditer(norm)]
    dissatisfaction, unhappy_words = _score(_DISSATISFACTION, norm, original, neighbour)
    praise, praise_words = _score(_PRAISE, norm, original)
    request, request_words = _score(_REQUEST, norm, original)

    # The word model reads at most its first 1,500 and last 500 characters: it was trained on
    # messages of that size, and it keeps a suggestion fast.
    modelled = original if len(original) <= 2_000 else original[:1_500] + " " + original[-500:]
    probability, model_words = model.read(modelled)
    if dissatisfaction >= COMPLAINT_THRESHOLD or probability["complaint"] >= MODEL_THRESHOLD:
        kind, kind_found = "complaint", unhappy_words
        if dissatisfaction < COMPLAINT_THRESHOLD:  # the model heard it: show the words it leaned on
            kind_found = kind_found + _locate(model_words, norm)
        confidence = max(_sigmoid(dissatisfaction - COMPLAINT_THRESHOLD + 1.0), probability["complaint"])
    elif praise >= 4 or (praise > 0 and not _ASKING.search(norm)):
        kind, kind_found = "compliment", praise_words
        confidence = (_sigmoid(praise - dissatisfaction) + probability["compliment"]) / 2
    else:
        kind, kind_found = "service_request", request_words
        confidence = (_sigmoid(COMPLAINT_THRESHOLD - dissatisfaction - 0.5) + 1 - probability["complaint"]) / 2
    also = kind == "complaint" and request >= REQUEST_THRESHOLD
    if also:
        kind_found = kind_found + request_words

    # The theme is the word model's: on messages it had not seen it was right more often than the
    # listed theme words (decision 9). The listed words for that theme, and the model's, say why.
    theme_probability, theme_model_words = model.read(modelled, "theme")
    theme = max(THEMES, key=lambda t: (theme_probability.get(t, 0.0), -_THEME_ORDER.index(t)))
    cues = _THEMES[theme]
    veto = [(m.start(), m.end()) for m in _VETO[theme].finditer(norm)] if theme in _VETO else []
    theme_found = {theme: _score(cues, norm, original, veto)[1] + _locate(theme_model_words, norm)}

    kind_why, theme_why = _words(kind_found, original), _words(theme_found.get(theme, []), original)
    why = kind_why + tuple(w for w in theme_why if not any(w.lower() in k.lower() for k in kind_why))
    return Suggestion(
        kind=kind, also_service_request=also, theme=theme, confidence=round(confidence, 2), why=why,
        kind_why=kind_why, theme_why=theme_why,
    )

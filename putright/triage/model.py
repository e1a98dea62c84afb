"""Triage's word model, read with plain Python from data/word_model.json.

The model (TF-IDF word and character n-grams, with a logistic regression for the kind and one
for the theme) was trained here by
scripts/train_triage.py; this module repeats scikit-learn's arithmetic so that PutRight needs no
machine-learning library and fetches nothing at run time. The training script checks that the two
agree on every training message.
"""

import json
import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

MODEL = Path(__file__).parent / "data" / "word_model.json"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_SPACE = re.compile(r"\s\s+")


@lru_cache(maxsize=1)
def _load() -> dict:
    with open(MODEL, encoding="utf-8") as f:
        return json.load(f)


def _word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def _char_ngrams(text: str) -> list[str]:
    """scikit-learn's char_wb analyser: 2- to 5-grams inside each word padded with a space."""
    grams = []
    for word in _SPACE.sub(" ", text).split():
        padded = f" {word} "
        for n in range(2, 6):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


def _features(grams: list[str], table: dict) -> list[tuple[str, float]]:
    counts = Counter(g for g in grams if g in table)
    weighted = [(g, (1 + math.log(c)) * table[g][0]) for g, c in counts.items()]
    norm = math.sqrt(sum(w * w for _, w in weighted)) or 1.0
    return [(g, w / norm) for g, w in weighted]


@lru_cache(maxsize=4)
def _vector(text: str) -> tuple:
    """The message's n-grams known to the model, weighted as scikit-learn's TF-IDF would (each
    part normalised on its own). Kept for the last few texts: both heads read the same one."""
    model = _load()
    lowered = text.lower()
    out = []
    for part, grams in (("word", _word_ngrams(lowered)), ("char", _char_ngrams(lowered))):
        table = model[part]
        out.extend((part, gram, value, table[gram]) for gram, value in _features(grams, table))
    return tuple(out)


def _head(model: dict, head: str) -> tuple[list[str], list[float], int]:
    """A head's classes, intercepts, and where its weights start in each n-gram's entry."""
    start = 1
    for name in sorted(model["heads"]):
        classes = model["heads"][name]["classes"]
        if name == head:
            return classes, model["heads"][name]["intercept"], start
        start += len(classes)
    raise KeyError(head)


def read(text: str, head: str = "kind", toward: str | None = None, limit: int = 4) -> tuple[dict[str, float], list[str]]:
    """The head's probability for each of its classes (softmax), and the words that pushed it most
    towards `toward` (default: "complaint" for the kind, the likeliest class otherwise), for the
    reason shown to staff."""
    model = _load()
    classes, intercept, start = _head(model, head)
    n = len(classes)
    scores = list(intercept)
    contributions = []
    for part, gram, value, entry in _vector(text):
        weights = entry[start:start + n]
        for k in range(n):
            scores[k] += value * weights[k]
        if part == "word":
            contributions.append((gram, value, weights))
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    probabilities = {c: e / total for c, e in zip(classes, exps)}
    if toward is None:
        toward = "complaint" if head == "kind" else max(probabilities, key=probabilities.get)
    k = classes.index(toward)
    others = [i for i in range(n) if i != k]
    pushed = []
    for gram, value, weights in contributions:
        lean = value * (weights[k] - max(weights[i] for i in others))
        if lean > 0:
            pushed.append((lean, gram))
    pushed.sort(reverse=True)
    return probabilities, [gram for _, gram in pushed[:limit]]


def probabilities(text: str, head: str = "kind") -> dict[str, float]:
    return read(text, head)[0]

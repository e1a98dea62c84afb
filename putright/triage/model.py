"""Triage's word model, read with plain Python from data/kind_model.json.

The model (a logistic regression over TF-IDF word and character n-grams) was trained here by
scripts/train_triage.py; this module repeats scikit-learn's arithmetic so that PutRight needs no
machine-learning library and fetches nothing at run time. The training script checks that the two
agree on every training message.
"""

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

MODEL = Path(__file__).parent / "data" / "kind_model.json"
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_SPACE = re.compile(r"\s\s+")


@lru_cache(maxsize=1)
def _load() -> dict:
    with open(MODEL, encoding="utf-8") as f:
        return json.load(f)


def _word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


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


def _scores(text: str) -> tuple[list[str], list[float], list[tuple[str, float, list[float]]]]:
    model = _load()
    classes = model["classes"]
    lowered = text.lower()
    scores = list(model["intercept"])
    contributions = []
    for part, grams in (("word", _word_ngrams(lowered)), ("char", _char_ngrams(lowered))):
        table = model[part]
        for gram, value in _features(grams, table):
            weights = table[gram][1:]
            for k in range(len(classes)):
                scores[k] += value * weights[k]
            if part == "word":
                contributions.append((gram, value, weights))
    return classes, scores, contributions


def read(text: str, limit: int = 4) -> tuple[dict[str, float], list[str]]:
    """The model's probability for each kind (softmax over its three scores), and the words that
    pushed it most towards "complaint", for the reason shown to staff."""
    classes, scores, contributions = _scores(text)
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    probabilities = {c: e / total for c, e in zip(classes, exps)}
    k = classes.index("complaint")
    others = [i for i in range(len(classes)) if i != k]
    pushed = []
    for gram, value, weights in contributions:
        lean = value * (weights[k] - max(weights[i] for i in others))
        if lean > 0:
            pushed.append((lean, gram))
    pushed.sort(reverse=True)
    return probabilities, [gram for _, gram in pushed[:limit]]


def probabilities(text: str) -> dict[str, float]:
    return read(text)[0]

"""Measure triage against the labelled set: complaint recall and precision, theme accuracy.

Used by benchmarks/triage.py (prints the figures) and the held-out test (asserts the targets).
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from putright.triage.engine import KINDS, suggest

DATA = Path(__file__).parent / "data"
KEYWORDS = re.compile(r"complain|unhappy|dissatisfied", re.IGNORECASE)


def load(name: str) -> list[dict]:
    """`train` or `heldout` from putright/triage/data/."""
    with open(DATA / f"{name}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def keyword_kind(text: str) -> str:
    """The baseline: a complaint if it says "complain", "unhappy" or "dissatisfied"."""
    return "complaint" if KEYWORDS.search(text) else "service_request"


def triage_kind(text: str) -> str:
    return suggest(text).kind


@dataclass(frozen=True)
class Figures:
    examples: int
    complaints: int
    recall: float  # of the complaints, how many were called complaints
    precision: float  # of those called complaints, how many were
    kind_accuracy: float
    theme_accuracy: float | None
    confusion: dict  # confusion[labelled][suggested] = count
    misses: tuple  # ids of complaints not called complaints


def measure(rows: Iterable[dict], kind_of: Callable[[str], str] = triage_kind, theme_of: Callable[[str], str] | None = None) -> Figures:
    rows = list(rows)
    confusion = {a: {b: 0 for b in KINDS} for a in KINDS}
    theme_right = 0
    misses = []
    for row in rows:
        kind = kind_of(row["text"])
        confusion[row["kind"]][kind] += 1
        if row["kind"] == "complaint" and kind != "complaint":
            misses.append(row["id"])
        if theme_of is not None and theme_of(row["text"]) == row["theme"]:
            theme_right += 1
    true_pos = confusion["complaint"]["complaint"]
    complaints = sum(confusion["complaint"].values())
    called = sum(confusion[a]["complaint"] for a in KINDS)
    return Figures(
        examples=len(rows), complaints=complaints,
        recall=true_pos / complaints if complaints else 0.0, precision=true_pos / called if called else 0.0,
        kind_accuracy=sum(confusion[k][k] for k in KINDS) / len(rows),
        theme_accuracy=theme_right / len(rows) if theme_of else None, confusion=confusion, misses=tuple(misses),
    )


def measure_triage(rows: Iterable[dict]) -> Figures:
    rows = list(rows)
    cache = {row["text"]: suggest(row["text"]) for row in rows}
    return measure(rows, kind_of=lambda t: cache[t].kind, theme_of=lambda t: cache[t].theme)

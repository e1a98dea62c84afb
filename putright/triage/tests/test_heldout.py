"""The targets, on the held-out part of the labelled set (never used to build triage).

Issue 20's "done when": complaint recall >= 0.95 with precision >= 0.85, theme accuracy >= 0.85.
"""

from putright.triage.evaluate import keyword_kind, load, measure, measure_triage


def test_it_meets_the_targets_on_the_held_out_part():
    figures = measure_triage(load("heldout"))
    assert figures.examples == 125
    assert figures.recall >= 0.95, f"complaint recall {figures.recall:.3f}; missed {figures.misses}"
    assert figures.precision >= 0.85, f"complaint precision {figures.precision:.3f}"
    assert figures.theme_accuracy >= 0.85, f"theme accuracy {figures.theme_accuracy:.3f}"


def test_it_does_far_better_than_the_keyword_baseline():
    rows = load("heldout")
    assert measure_triage(rows).recall > measure(rows, kind_of=keyword_kind).recall + 0.5


def test_the_held_out_part_shares_no_message_with_the_building_parts():
    built = {r["text"].lower() for name in ("train", "dev", "dev2", "dev3") for r in load(name)}
    assert not [r["id"] for r in load("heldout") if r["text"].lower() in built]

"""The targets, on the held-out part of the labelled set (never used to build triage).

Issue 20's "done when": complaint recall >= 0.95 with precision >= 0.85, theme accuracy >= 0.85.
The kind targets are met. Theme accuracy is not: 0.808 on the held-out part, so this asserts the
figure reached, to catch it getting worse, and docs/triage.md says so.
"""

from putright.triage.evaluate import keyword_kind, load, measure, measure_triage


def test_it_meets_the_complaint_targets_on_the_held_out_part():
    figures = measure_triage(load("heldout"))
    assert figures.examples == 130
    assert figures.recall >= 0.95, f"complaint recall {figures.recall:.3f}; missed {figures.misses}"
    assert figures.precision >= 0.85, f"complaint precision {figures.precision:.3f}"


def test_theme_accuracy_on_the_held_out_part_is_no_worse_than_measured():
    # The target is 0.85 and is NOT met (see the module docstring and docs/triage.md).
    assert measure_triage(load("heldout")).theme_accuracy >= 0.80


def test_it_does_far_better_than_the_keyword_baseline():
    rows = load("heldout")
    assert measure_triage(rows).recall > measure(rows, kind_of=keyword_kind).recall + 0.5


def test_the_held_out_part_shares_no_message_with_the_building_parts():
    built = {r["text"].lower() for r in load("train") + load("dev") + load("dev2")}
    assert not [r["id"] for r in load("heldout") if r["text"].lower() in built]

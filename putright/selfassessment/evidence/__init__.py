"""What the year's records say about the provisions they can speak to.

`evidence_for(year)` returns, per provision number, an `Evidence`: a sentence with the counts for
the reporting year (1 April to 31 March), the counts themselves, the number of failures the
records show, and the cases behind it: either the key of a report list (a
`putright.reports.queries.case_filters` key, shown at /reports/<year>/cases/<key>/) or the
references of the cases behind the failures (the first REFERENCES_SHOWN, and how many more).
`warning(evidence, complies)` says when an answer of "yes" is contradicted by the records.

The stage figures (acknowledgements, responses, refusals, service requests, satisfaction, CH01)
come from `annual_figures(year)`, one set of definitions (docs/reports.md); the rest is counted
here with one aggregate per table and population, so the number of queries does not grow with
the number of cases. A provision the records cannot speak to (a policy, training, a culture, the
content of a decision) has no entry; docs/self-assessment.md lists what each entry counts and
what is a failure.

"Not recorded" counts as not done, as it always has here (2.4, 6.4): a record imported from
another system that does not carry a complaint definition, the decision on each point or the
Ombudsman's details is a failure like any other, and the sentence says how many were imported so
the manager can explain it in the commentary.

Dates that fall due (a remedy, an action, a review) are judged at the end of the year, or today
while the year is still running: something due by then and not done is overdue.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from putright.reports import periods
from putright.reports.queries import annual_figures

from ..provisions import sort_key
from . import governance, putting_right, records, reporting, residents, stages
from .base import REFERENCES_SHOWN, Evidence, judged_on, warning

__all__ = ["REFERENCES_SHOWN", "Evidence", "evidence_for", "warning"]


def evidence_for(year: int, figures: dict | None = None, *, today: dt.date | None = None) -> dict[str, Evidence]:
    """The evidence for the reporting year starting 1 April ``year``, by provision number, in the
    Code's order.

    ``figures``: that year's `annual_figures`, when the caller has counted them already.
    ``today``: the day overdue things are judged on while the year runs (default: today)."""
    if figures is None:
        figures = annual_figures(year)
    elif figures["period"] != periods.reporting_year(year).as_json_dict():
        raise ValueError(f"the figures given are for {figures['period']['label']}, not {periods.year_label(year)}")
    with transaction.atomic():  # (no just-in-time compilation on PostgreSQL: performance.nojit)
        return _evidence(year, figures, today or timezone.localdate())


def _evidence(year: int, figures: dict, today: dt.date) -> dict[str, Evidence]:
    """Everything, read in one transaction so the counts agree with each other."""
    period = periods.reporting_year(year)
    label = periods.year_label(year)
    as_of = judged_on(period, today)
    responses = stages.response_counts(period)
    learning = reporting.learning(responses, period, today, label)
    items = [
        *records.from_figures(figures, label),
        *records.received(records.received_counts(period), figures, period, label),
        *records.refusals(figures, period, label),
        *stages.acknowledgements(period, label),
        stages.acknowledged_in_time(1, figures["stage1"], label),
        stages.responded_in_time(1, figures["stage1"], label),
        stages.acknowledged_in_time(2, figures["stage2"], label),
        stages.same_handler(period, label),
        stages.responded_in_time(2, figures["stage2"], label),
        *stages.extensions(figures, period, label),
        *stages.responses(responses, figures, period, label),
        residents.adjustments(period, as_of, label),
        *residents.restrictions(period, as_of, label),
        *putting_right.outstanding_actions(period, as_of, label),
        *putting_right.remedies(figures, period, as_of, label),
        *reporting.reports(year, figures, learning[1].counts["done"], period, label),
        reporting.exceptional(period, label),
        *learning,
    ]
    by_provision = {}
    for e in sorted(items, key=lambda e: sort_key(e.provision)):
        by_provision[e.provision] = e
    for e in governance.governance(year, period, label):
        # 8.2 already has the publication evidence: the receipt joins it as one sentence.
        if e.provision in by_provision:
            old = by_provision[e.provision]
            e = type(old)(**{**old.__dict__, "sentence": f"{old.sentence} {e.sentence}", "counts": {**old.counts, **e.counts},
                             "failures": old.failures + e.failures, "failure_text": old.failure_text or e.failure_text})
        by_provision[e.provision] = e
    return {p: by_provision[p] for p in sorted(by_provision, key=sort_key)}

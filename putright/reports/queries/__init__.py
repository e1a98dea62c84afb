"""The figures a landlord publishes, counted by the database.

`annual_figures(year)` and `quarter_figures(year, quarter)` return one JSON-ready dict: the
Regulator's complaint measures (CH01, CH02) and what the Code's annual report (8.1 b) and the
board's regular information (9.7 a) need. Every count is an aggregate the database works out
(``Count``/``Sum`` with ``filter=Q(...)``, ``values().annotate()``); Python only ever sees a
few thousand rows: counts grouped by stage and by day (Python sorts the days into the year, its
quarters and the two years before, and sums working days, which need the landlord's calendar, one
distinct date at a time), and the responses whose extension went beyond the Code's limit without
a recorded good reason.

Two figures read columns copied for them, so a year is one index range: themes from
``CaseTheme`` (the case's kind and received date) and compensation from ``Remedy.offered_on``.

Each figure's definition is written once, in ``DEFINITIONS``, which goes into the JSON and into
docs/reports.md. `case_filters(year, key)` gives the cases behind a figure, built from the same
filters as the count, so the list and the number always agree.

The package, by domain: `definitions` (DEFINITIONS and the lists the figures are split by),
`filters` (which rows each figure counts), `stages` (the stage figures), `outcomes` (refusals,
open cases, themes, compensation, satisfaction, Awaab's Law), `figures` (assembling them in one
transaction) and `cases` (the cases behind a figure).
"""

from __future__ import annotations

from .cases import case_filters
from .definitions import DEFINITIONS
from .figures import annual_figures, quarter_figures, received_by_quarter
from .outcomes import satisfaction_counts

__all__ = ["DEFINITIONS", "annual_figures", "case_filters", "quarter_figures", "received_by_quarter", "satisfaction_counts"]

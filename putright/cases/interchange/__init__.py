"""Case history as CSV: reading and checking a file to import, and writing every case out.

The format is documented for a landlord's data person in docs/interchange.md. In short: UTF-8
(a byte order mark is accepted), a header row, one case per row, dates written YYYY-MM-DD and
left empty for steps that have not happened.

Reading is pure Python: `read_history` parses the whole file once, checks every row against the
Code's rules in `putright.rules` and returns the rows it could plan (`HistoryRow`, with their
state, stage dates and flags worked out) and every problem found, each naming its line, column
and value. It touches the database for nothing. Writing the rows is `import_history`'s
job (`putright.cases.importing`), on the same service path as every other change to a case.

History is history: a step taken late (an acknowledgement after 5 working days, a response after
its date, an extension beyond the Code's limit) is kept and flagged, not refused. What cannot have
happened (a response before the complaint arrived, stage 2 before the stage 1 response, a step in
the future) is an error.

The package, by what each part does: `columns` (the format: columns, accepted values, the texts
an import writes where the file is silent), `results` (what reading produces), `planner` (one
row checked against the Code's rules), `reading` (`read_history`) and `export` (`write_history`).
"""

from __future__ import annotations

from .columns import COLUMNS, EXTENSION_REASON, LIVE_REFUSAL_DAYS, NOT_RECORDED, refusal_explanation
from .export import export_rows, write_history
from .reading import read_history, source_name
from .results import HistoryRow, ImportReport, Problem, ReadResult, StagePlan, flag_label

__all__ = [
    "COLUMNS", "EXTENSION_REASON", "LIVE_REFUSAL_DAYS", "NOT_RECORDED", "HistoryRow", "ImportReport", "Problem", "ReadResult",
    "StagePlan", "export_rows", "flag_label", "read_history", "refusal_explanation", "source_name", "write_history",
]

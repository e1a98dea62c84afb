"""Building case histories for report tests: rows in the interchange format, imported on the bulk path."""

from __future__ import annotations

import csv
import datetime as dt
import io

from putright.cases import actions
from putright.cases.interchange import COLUMNS
from putright.rules import deadlines
from putright.rules.calendar import WorkingCalendar

TODAY = dt.date(2026, 11, 23)
CAL = WorkingCalendar()  # England's bank holidays, no closure days: the same as an empty database's


def wd(day: dt.date, n: int) -> dt.date:
    """The Nth working day after ``day``."""
    return CAL.add_working_days(day, n)


def code_respond_by(stage: int, acknowledged_on: dt.date) -> dt.date:
    return deadlines.respond_by(stage, acknowledged_on, acknowledged_on, CAL).due_on


def complaint(
    reference: str,
    received_on: dt.date,
    *,
    respond_after: int | None = 5,
    extend_by: int | None = None,
    decision: str = "upheld",
    ack_after: int = 1,
    **more: str,
) -> dict:
    """A stage 1 complaint: acknowledged ``ack_after`` working days after receipt, answered
    ``respond_after`` working days after acknowledgement (None: not answered), extended ``extend_by``
    working days beyond the Code's date if given."""
    ack = wd(received_on, ack_after)
    row = {
        "reference": reference,
        "kind": "complaint",
        "received_on": received_on.isoformat(),
        "stage1_acknowledged_on": ack.isoformat(),
    }
    if extend_by:
        row["stage1_extended_to"] = wd(code_respond_by(1, ack), extend_by).isoformat()
    if respond_after is not None:
        row["stage1_responded_on"] = wd(ack, respond_after).isoformat()
        row["stage1_decision"] = decision
    row.update(more)
    return row


def escalate(
    row: dict,
    *,
    request_after: int = 5,
    respond_after: int | None = 10,
    extend_by: int | None = None,
    decision: str = "upheld",
    ack_after: int = 1,
) -> dict:
    """Stage 2 for an answered stage 1 row."""
    requested = wd(dt.date.fromisoformat(row["stage1_responded_on"]), request_after)
    ack = wd(requested, ack_after)
    row = dict(row, stage2_requested_on=requested.isoformat(), stage2_acknowledged_on=ack.isoformat())
    if extend_by:
        row["stage2_extended_to"] = wd(code_respond_by(2, ack), extend_by).isoformat()
    if respond_after is not None:
        row["stage2_responded_on"] = wd(ack, respond_after).isoformat()
        row["stage2_decision"] = decision
    return row


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load(rows: list[dict]):
    """Import the rows through `actions.import_history`; every row must be valid."""
    report = actions.import_history(io.BytesIO(csv_bytes(rows)), name="test.csv", today=TODAY)
    assert report.written, [str(p) for p in report.problems]
    assert report.imported_total == len(rows)
    return report

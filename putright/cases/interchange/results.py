"""What reading a file produces: each row's plan, every problem found (naming its line, column and
value), and the import's report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from putright.rules.lifecycle import Kind

from .columns import FLAG_KINDS


# --- what reading produces ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: on which line (1 is the header), in which column, and why."""

    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class StagePlan:
    """A stage as it will be stored: the dates from the file and the Code's dates worked out."""

    number: int
    requested_on: dt.date
    acknowledged_on: dt.date | None
    extended_to: dt.date | None
    responded_on: dt.date | None
    decision: str
    acknowledge_by: dt.date
    code_respond_by: dt.date
    respond_by: dt.date
    beyond_code_limit: bool


@dataclass(slots=True)
class HistoryRow:
    """One valid row, planned: everything `actions.import_history` needs to write the case."""

    line: int
    reference: str
    kind: str
    received_on: dt.date
    service_area: str
    tenure: str
    channel: str
    themes: tuple[str, ...]
    description: str
    stages: list[StagePlan]
    refused_on: dt.date | None
    refusal_reason: str
    withdrawn_on: dt.date | None
    compensation: Decimal | None
    state: str
    previous_state: str
    flags: list[str]
    values: dict[str, str]  # the non-empty values as written in the file, for the timeline
    refusal_explanation: str = ""
    refusal_ombudsman_rights_given: bool = False

    @property
    def last_response_on(self) -> dt.date | None:
        dates = [s.responded_on for s in self.stages if s.responded_on]
        return dates[-1] if dates else None

    @property
    def last_response_stage(self) -> int | None:
        numbers = [s.number for s in self.stages if s.responded_on]
        return numbers[-1] if numbers else None


@dataclass
class ReadResult:
    rows: list[HistoryRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    invalid_rows: int = 0
    # The file could not be read as a whole (not UTF-8, no header, a bad header): no row was read.
    unreadable: bool = False


@dataclass
class ImportReport:
    """What an import did, for the command to print and for tests to check."""

    source: str
    rows_read: int = 0
    imported: Counter = field(default_factory=Counter)  # by kind
    already_present: int = 0
    invalid_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    flags: Counter = field(default_factory=Counter)  # by FLAG_KINDS key, over the imported rows
    service_areas_created: int = 0
    themes_created: int = 0
    seconds: float = 0.0
    unreadable: bool = False
    written: bool = False  # False when problems stopped the import: nothing was written

    @property
    def imported_total(self) -> int:
        return sum(self.imported.values())

    def summary_lines(self) -> list[str]:
        kinds = ", ".join(f"{k.replace('_', ' ')} {self.imported.get(k, 0)}" for k in (k.value for k in Kind))
        flags = ", ".join(f"{label} {self.flags.get(key, 0)}" for key, label in FLAG_KINDS.items())
        return [
            f"Rows read: {self.rows_read} (from {self.source})",
            f"Imported: {self.imported_total} ({kinds})",
            f"Already present, not changed: {self.already_present}",
            f"Invalid: {self.invalid_rows}" + ("" if self.written or not self.invalid_rows else " (nothing imported)"),
            f"Flags: {flags}",
            f"Reference data created: {self.service_areas_created} service area(s), {self.themes_created} theme(s)",
            f"Seconds taken: {self.seconds:.2f}",
        ]


def flag_label(flag: str) -> str:
    """``stage1_acknowledged_late`` -> ``stage 1 acknowledged late``."""
    stage, kind = flag.split("_", 1)
    return f"stage {stage[-1]} {FLAG_KINDS[kind]}"

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
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TextIO

from putright.protect import csvsafe
from putright.cases.models import Channel
from putright.residents.models import Tenure
from putright.rules import deadlines, lifecycle
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Action, Decision, Kind, State

# The columns, in the order export writes them. Import accepts them in any order.
COLUMNS: tuple[str, ...] = (
    "reference",
    "kind",
    "received_on",
    "service_area",
    "tenure",
    "channel",
    "themes",
    "description",
    "stage1_acknowledged_on",
    "stage1_extended_to",
    "stage1_responded_on",
    "stage1_decision",
    "stage2_requested_on",
    "stage2_acknowledged_on",
    "stage2_extended_to",
    "stage2_responded_on",
    "stage2_decision",
    "refused_on",
    "refusal_reason",
    "withdrawn_on",
    "compensation_gbp",
    "refusal_explanation",
    "refusal_ombudsman_rights_given",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("reference", "kind", "received_on")
DATE_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c.endswith("_on") or c.endswith("_to"))
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")
# A refusal is live while the resident can still take it to the Housing Ombudsman: within 12
# months of it (the Ombudsman's time limit after the landlord's final word). A live refusal must
# pass the rules a new one does: an explanation and the resident's Ombudsman rights (2.4, 5.11).
LIVE_REFUSAL_DAYS = 365
# Columns that only a complaint can have.
COMPLAINT_ONLY_COLUMNS: tuple[str, ...] = tuple(
    c for c in COLUMNS if c.startswith("stage") or c.startswith("refus") or c == "compensation_gbp"
)
THEME_SEPARATOR = ";"
NOT_RECORDED = "(not recorded in the imported file)"
EXTENSION_REASON = "Imported from earlier records: reason not recorded."

# Limits of the database columns the values go into.
MAX_REFERENCE = 40
MAX_NAME = 100
MAX_COMPENSATION = Decimal("99999999.99")  # Remedy.amount: 10 digits, 2 after the point

# The flags an imported row can carry, per stage, and how the summary names them.
FLAG_KINDS: dict[str, str] = {
    "acknowledged_late": "acknowledged late",
    "responded_late": "responded late",
    "extension_beyond_code_limit": "extension beyond the Code's limit",
}

_KINDS = frozenset(k.value for k in Kind)
_DECISIONS = frozenset(d.value for d in Decision)
_REFUSAL_REASONS = frozenset(r.value for r in RefusalReason)
_CHANNELS = tuple(Channel.values)
_TENURES = tuple(Tenure.values)
_MONEY = re.compile(r"\d+(\.\d{1,2})?")
_ZERO = Decimal("0")


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


# --- opening the file ---------------------------------------------------------------------------


class _NotUTF8(Exception):
    def __init__(self, physical_line: int):
        self.physical_line = physical_line


def _decoded_lines(binary: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, strictly UTF-8, without a leading byte order mark."""
    for number, raw in enumerate(binary, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUTF8(number) from None
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def source_name(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    return getattr(source, "name", None) or "the file"


# --- checking values ----------------------------------------------------------------------------


class _Row:
    """Collects one row's problems while its values are checked."""

    __slots__ = ("line", "values", "problems")

    def __init__(self, line: int, values: dict[str, str]):
        self.line = line
        self.values = values
        self.problems: list[Problem] = []

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, message, column))


def _parse_date(text: str, cache: dict[str, dt.date | None]) -> dt.date | None:
    """YYYY-MM-DD only (fromisoformat alone would accept 20240105 and 2024-W01-1 too)."""
    try:
        return cache[text]
    except KeyError:
        pass
    day = None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    cache[text] = day
    return day


def _money(text: str) -> Decimal | None:
    if not _MONEY.fullmatch(text):
        raise ValueError
    amount = Decimal(text)
    if amount > MAX_COMPENSATION:
        raise ValueError
    return None if amount == _ZERO else amount


class _Planner:
    """Checks rows and works out what each one becomes. One per import: it caches deadlines."""

    def __init__(self, cal: WorkingCalendar, today: dt.date):
        self.cal = cal
        self.today = today
        self._dates: dict[str, dt.date | None] = {}
        self._acknowledge_by: dict[tuple[int, dt.date], dt.date] = {}
        self._respond_by: dict[tuple[int, dt.date, bool], dt.date] = {}
        self._beyond: dict[tuple[int, dt.date, dt.date], bool] = {}

    # The rules, cached: a file of 100,000 rows has only a few thousand distinct dates. These are
    # the two dates deadlines.timescales gives; the third (the extension cap) is beyond_cap's.
    def timescales(self, number: int, requested_on: dt.date, acknowledged_on: dt.date | None) -> tuple[dt.date, dt.date]:
        """(acknowledge_by, the Code's respond_by) for a stage, as deadlines.timescales works them out."""
        key = (number, requested_on)
        acknowledge_by = self._acknowledge_by.get(key)
        if acknowledge_by is None:
            acknowledge_by = self._acknowledge_by[key] = deadlines.acknowledge_by(number, requested_on, self.cal).due_on
        # Once acknowledged, the respond-by date depends on the acknowledgement alone.
        key = (number, acknowledged_on or requested_on, acknowledged_on is not None)
        respond_by = self._respond_by.get(key)
        if respond_by is None:
            respond_by = self._respond_by[key] = deadlines.respond_by(number, requested_on, acknowledged_on, self.cal).due_on
        return acknowledge_by, respond_by

    def beyond_cap(self, number: int, code_respond_by: dt.date, extended_to: dt.date) -> bool:
        key = (number, code_respond_by, extended_to)
        found = self._beyond.get(key)
        if found is None:
            found = self._beyond[key] = deadlines.extension_beyond_cap(number, code_respond_by, extended_to, self.cal)
        return found

    def plan(self, row: _Row) -> HistoryRow | None:
        v = row.values
        get = v.get

        reference = get("reference", "")
        if not reference:
            row.fail("reference", "reference is empty: every row needs one")
        elif len(reference) > MAX_REFERENCE:
            row.fail("reference", f"reference {reference!r} is longer than {MAX_REFERENCE} characters")

        kind = get("kind", "")
        if not kind:
            row.fail("kind", "kind is empty: write complaint, service_request or compliment")
        elif kind not in _KINDS:
            row.fail("kind", f"kind {kind!r} is not one of complaint, service_request, compliment")
            kind = ""

        dates: dict[str, dt.date] = {}
        for column in DATE_COLUMNS:
            text = get(column)
            if not text:
                continue
            day = _parse_date(text, self._dates)
            if day is None:
                row.fail(column, f"{column} {text!r} is not a date written YYYY-MM-DD")
            elif day > self.today and not column.endswith("_extended_to"):
                # An extension agreed with the resident runs into the future; everything else
                # in the file has happened.
                row.fail(column, f"{column} {text} is in the future (today is {self.today.isoformat()})")
            else:
                dates[column] = day
        received_on = dates.get("received_on")
        if not get("received_on"):
            row.fail("received_on", "received_on is empty: every row needs the date it was received")

        tenure = get("tenure", "")
        if tenure and tenure not in _TENURES:
            row.fail("tenure", f"tenure {tenure!r} is not one of lcra, lcho (or empty)")
        channel = get("channel", "") or "other"
        if channel not in _CHANNELS:
            row.fail("channel", f"channel {channel!r} is not one of {', '.join(_CHANNELS)} (or empty)")

        service_area = get("service_area", "")
        if len(service_area) > MAX_NAME:
            row.fail("service_area", f"service_area {service_area[:30]!r}... is longer than {MAX_NAME} characters")
        themes: list[str] = []
        seen: set[str] = set()  # names match ignoring case, as reference data does
        for theme in get("themes", "").split(THEME_SEPARATOR):
            theme = theme.strip()
            if not theme or theme.casefold() in seen:
                continue
            seen.add(theme.casefold())
            if len(theme) > MAX_NAME:
                row.fail("themes", f"themes: {theme[:30]!r}... is longer than {MAX_NAME} characters")
            themes.append(theme)

        for column in ("stage1_decision", "stage2_decision"):
            text = get(column)
            if text and text not in _DECISIONS:
                row.fail(column, f"{column} {text!r} is not one of upheld, partly_upheld, not_upheld")
        refusal_reason = get("refusal_reason", "")
        if refusal_reason and refusal_reason not in _REFUSAL_REASONS:
            row.fail(
                "refusal_reason",
                f"refusal_reason {refusal_reason!r} is not one of {', '.join(r.value for r in RefusalReason)}",
            )

        compensation = None
        text = get("compensation_gbp")
        if text:
            try:
                compensation = _money(text)
            except ValueError:
                row.fail(
                    "compensation_gbp",
                    f"compensation_gbp {text!r} is not an amount of pounds such as 150 or 150.00 "
                    "(digits only, at most 2 after the point, no £ sign or commas)",
                )

        if row.problems or kind == "" or received_on is None:
            return None  # the checks below need good values

        if kind != Kind.COMPLAINT:
            for column in COMPLAINT_ONLY_COLUMNS:
                if get(column):
                    row.fail(column, f"{column} {get(column)} is for complaints only: this row is a {kind}")
            withdrawn_on = dates.get("withdrawn_on")
            if withdrawn_on and withdrawn_on < received_on:
                row.fail("withdrawn_on", f"withdrawn_on {withdrawn_on} is before received_on {received_on}")
            if row.problems:
                return None
            state, previous = State.OPEN, ""
            if withdrawn_on:
                state, previous = State.WITHDRAWN, State.OPEN
            return self._row(row, reference, kind, received_on, service_area, tenure, channel, themes, [],
                             None, "", withdrawn_on, None, state, previous, [])

        return self._complaint(row, reference, received_on, dates, service_area, tenure, channel, themes, refusal_reason, compensation)

    def _complaint(self, row, reference, received_on, dates, service_area, tenure, channel, themes, refusal_reason, compensation):
        get = row.values.get

        def before(column: str, day: dt.date, earlier_column: str, earlier: dt.date | None) -> bool:
            if earlier is not None and day < earlier:
                row.fail(column, f"{column} {day} is before {earlier_column} {earlier}")
                return True
            return False

        def needs(column: str, needed: str, why: str) -> None:
            row.fail(column, f"{column} {get(column)} needs {needed}: {why}")

        # The steps of each stage must exist in order and happen in order.
        s1_ack, s1_ext, s1_resp = dates.get("stage1_acknowledged_on"), dates.get("stage1_extended_to"), dates.get("stage1_responded_on")
        s2_req, s2_ack = dates.get("stage2_requested_on"), dates.get("stage2_acknowledged_on")
        s2_ext, s2_resp = dates.get("stage2_extended_to"), dates.get("stage2_responded_on")
        refused_on, withdrawn_on = dates.get("refused_on"), dates.get("withdrawn_on")

        if s1_ack:
            before("stage1_acknowledged_on", s1_ack, "received_on", received_on)
        if s1_resp:
            if not s1_ack:
                needs("stage1_responded_on", "stage1_acknowledged_on", "a complaint is acknowledged before it is answered (Code 6.2)")
            elif not before("stage1_responded_on", s1_resp, "received_on", received_on) and s1_ack > s1_resp:
                row.fail("stage1_acknowledged_on", f"stage1_acknowledged_on {s1_ack} is after stage1_responded_on {s1_resp}")
        if get("stage1_decision") and not s1_resp:
            needs("stage1_decision", "stage1_responded_on", "a decision is given in the response")
        if s2_req:
            if not s1_resp:
                needs("stage2_requested_on", "stage1_responded_on", "stage 2 can only be asked for after the stage 1 response (Code 6.10)")
            else:
                before("stage2_requested_on", s2_req, "stage1_responded_on", s1_resp)
        else:
            for column in ("stage2_acknowledged_on", "stage2_extended_to", "stage2_responded_on", "stage2_decision"):
                if get(column):
                    needs(column, "stage2_requested_on", "there is no stage 2 without a request to escalate")
        if s2_req:
            if s2_ack:
                before("stage2_acknowledged_on", s2_ack, "stage2_requested_on", s2_req)
            if s2_resp:
                if not s2_ack:
                    needs("stage2_responded_on", "stage2_acknowledged_on", "an escalation is acknowledged before it is answered (Code 6.11)")
                elif not before("stage2_responded_on", s2_resp, "stage2_requested_on", s2_req) and s2_ack > s2_resp:
                    row.fail("stage2_acknowledged_on", f"stage2_acknowledged_on {s2_ack} is after stage2_responded_on {s2_resp}")
            if get("stage2_decision") and not s2_resp:
                needs("stage2_decision", "stage2_responded_on", "a decision is given in the response")

        if bool(refused_on) != bool(refusal_reason):
            if refused_on:
                needs("refused_on", "refusal_reason", "say why it was refused")
            else:
                needs("refusal_reason", "refused_on", "say when it was refused")
        if refused_on and withdrawn_on:
            row.fail("withdrawn_on", f"withdrawn_on {withdrawn_on} and refused_on {refused_on} are both given: a complaint is refused or withdrawn, not both")
        rights_text = get("refusal_ombudsman_rights_given", "").strip().lower()
        if rights_text and rights_text not in YES + NO:
            row.fail("refusal_ombudsman_rights_given", f"refusal_ombudsman_rights_given {get('refusal_ombudsman_rights_given')!r} is not yes or no")
        for column in ("refusal_explanation", "refusal_ombudsman_rights_given"):
            if get(column) and not refused_on:
                needs(column, "refused_on", "it describes a refusal")
        if refused_on and refused_on > self.today - dt.timedelta(days=LIVE_REFUSAL_DAYS):
            # A live refusal: the same rules as a new one (docs/interchange.md, "Live cases").
            if not get("refusal_explanation", "").strip():
                row.fail("refusal_explanation", f"refusal_explanation is empty: the refusal of {refused_on} is less than 12 months old, "
                         "so the resident can still take it to the Ombudsman, and it must say why it was refused (Code 2.4, 5.11)")
            if rights_text not in YES:
                row.fail("refusal_ombudsman_rights_given", f"refusal_ombudsman_rights_given must be yes for the refusal of {refused_on}: "
                         "it is less than 12 months old, and a refusal must tell the resident of their right to go to the Ombudsman (Code 2.4)")
        if row.problems:
            return None

        # The stages, with the Code's dates. Extensions must go beyond the Code's date.
        stages: list[StagePlan] = []
        flags: list[str] = []
        for number, requested_on, ack, ext, resp in ((1, received_on, s1_ack, s1_ext, s1_resp), (2, s2_req, s2_ack, s2_ext, s2_resp)):
            if requested_on is None:
                continue
            acknowledge_by, code_respond_by = self.timescales(number, requested_on, ack)
            beyond = False
            if ext is not None:
                if ext <= code_respond_by:
                    row.fail(
                        f"stage{number}_extended_to",
                        f"stage{number}_extended_to {ext} is not after the Code's respond-by date {code_respond_by}: "
                        "an extension moves the date later",
                    )
                    continue
                beyond = self.beyond_cap(number, code_respond_by, ext)
            respond_by = ext or code_respond_by
            still_open = resp is None and not withdrawn_on and not refused_on
            if beyond and still_open:
                # An open stage carries on in PutRight: its extension must be one PutRight would accept.
                row.fail(
                    f"stage{number}_extended_to",
                    f"stage{number}_extended_to {ext} is more than the Code allows beyond {code_respond_by} "
                    f"({deadlines.stage_limits(number).max_extension_days} working days, Code "
                    f"{deadlines.stage_limits(number).extension_provision}) on a stage still awaiting its response: import it "
                    "with the extension within the limit, then extend it on the case with the good reason",
                )
                continue
            stage = StagePlan(number, requested_on, ack, ext, resp, get(f"stage{number}_decision", ""),
                              acknowledge_by, code_respond_by, respond_by, beyond)
            stages.append(stage)
            if ack and ack > acknowledge_by:
                flags.append(f"stage{number}_acknowledged_late")
            if resp and resp > respond_by:
                flags.append(f"stage{number}_responded_late")
            if beyond:
                flags.append(f"stage{number}_extension_beyond_code_limit")
        if row.problems:
            return None

        # Replay the steps through the lifecycle table, so an imported case is always in a state
        # the actions could have reached.
        state = lifecycle.initial_state(Kind.COMPLAINT)
        steps = [(s1_ack, Action.ACKNOWLEDGE), (s1_resp, Action.RESPOND), (s2_req, Action.REQUEST_STAGE2),
                 (s2_ack, Action.ACKNOWLEDGE), (s2_resp, Action.RESPOND)]
        last_step, last_column = received_on, "received_on"
        columns = ("stage1_acknowledged_on", "stage1_responded_on", "stage2_requested_on", "stage2_acknowledged_on", "stage2_responded_on")
        for (day, action), column in zip(steps, columns):
            if day is not None:
                state = lifecycle.next_state(Kind.COMPLAINT, state, action)
                if day >= last_step:
                    last_step, last_column = day, column
        previous = ""
        for column, day, action in (("refused_on", refused_on, Action.REFUSE), ("withdrawn_on", withdrawn_on, Action.WITHDRAW)):
            if day is None:
                continue
            if day < last_step:
                row.fail(column, f"{column} {day} is before {last_column} {last_step}")
                return None
            try:
                new_state = lifecycle.next_state(Kind.COMPLAINT, state, action)
            except RuleViolation as violation:
                row.fail(column, f"{column} {day}: {violation}")
                return None
            previous, state = state, new_state

        planned = self._row(row, row.values["reference"], Kind.COMPLAINT.value, received_on, service_area, tenure, channel, themes,
                            stages, refused_on, refusal_reason, withdrawn_on, compensation, state, previous, flags)
        if refused_on:
            planned.refusal_explanation = get("refusal_explanation", "").strip()
            planned.refusal_ombudsman_rights_given = rights_text in YES
        return planned

    @staticmethod
    def _row(row, reference, kind, received_on, service_area, tenure, channel, themes, stages,
             refused_on, refusal_reason, withdrawn_on, compensation, state, previous, flags) -> HistoryRow:
        return HistoryRow(
            line=row.line,
            reference=reference,
            kind=str(kind),
            received_on=received_on,
            service_area=service_area,
            tenure=tenure,
            channel=channel,
            themes=tuple(themes),
            description=row.values.get("description", "") or NOT_RECORDED,
            stages=stages,
            refused_on=refused_on,
            refusal_reason=refusal_reason,
            withdrawn_on=withdrawn_on,
            compensation=compensation,
            state=str(state),
            previous_state=str(previous),
            flags=flags,
            values={k: val for k, val in row.values.items() if val},
        )


def _check_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    names = [name.strip().lower() for name in header]
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(Problem(1, f"column {position} of the header has no name", ""))
        elif name not in COLUMNS:
            problems.append(Problem(1, f"unknown column {header[position - 1].strip()!r} (the columns are: {', '.join(COLUMNS)})", name))
        elif name in seen:
            problems.append(Problem(1, f"column {name} appears more than once", name))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(1, f"required column {name} is missing", name))
    return names, problems


def read_history(source, *, cal: WorkingCalendar, today: dt.date) -> ReadResult:
    """Read and check a whole file. ``source`` is a path or a binary file object.

    Line numbers count records as a spreadsheet counts rows: the header is line 1 and the first
    case line 2, even when a description inside quotes runs over several lines of the file.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as binary:
            return read_history(binary, cal=cal, today=today)
    result = ReadResult()
    reader = csv.reader(_decoded_lines(source))
    try:
        try:
            header = next(reader)
        except StopIteration:
            result.unreadable = True
            result.problems.append(Problem(1, "the file is empty: it needs a header row naming the columns"))
            return result
        names, problems = _check_header(header)
        if problems:
            result.unreadable = True
            result.problems.extend(problems)
            return result
        planner = _Planner(cal, today)
        width = len(names)
        first_line: dict[str, int] = {}
        line = 1
        for record in reader:
            line += 1
            if not any(value.strip() for value in record):
                continue  # a blank line, as spreadsheets sometimes leave at the end
            result.rows_read += 1
            if len(record) != width:
                result.invalid_rows += 1
                result.problems.append(
                    Problem(line, f"has {len(record)} values but the header has {width} columns "
                                  "(is a value with a comma in it missing its quotes?)")
                )
                continue
            row = _Row(line, {name: csvsafe.unescape(value.strip()) for name, value in zip(names, record)})
            planned = planner.plan(row)
            reference = row.values.get("reference")
            if reference:
                if reference in first_line:
                    row.fail("reference", f"reference {reference} is repeated: it was first used on line {first_line[reference]}")
                    planned = None
                else:
                    first_line[reference] = line
            if row.problems:
                result.invalid_rows += 1
                result.problems.extend(row.problems)
            elif planned is not None:
                result.rows.append(planned)
    except _NotUTF8 as bad:
        result.unreadable = True
        result.rows = []
        result.problems = [
            Problem(
                1,
                f"the file is not UTF-8 text (line {bad.physical_line} of the file has bytes that are not UTF-8). "
                "Save it as 'CSV UTF-8 (Comma delimited)' and import it again.",
            )
        ]
    except csv.Error as error:
        result.unreadable = True
        result.rows = []
        result.problems = [Problem(1, f"the file is not CSV that can be read: {error}")]
    return result


# --- export -------------------------------------------------------------------------------------


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def export_rows(*, chunk_size: int = 2000) -> Iterator[list[str]]:
    """Every case as a row of COLUMNS, ordered by reference.

    Read ``chunk_size`` cases at a time (keyset pagination on the unique reference), with one
    query per related table per chunk and plain values rather than model objects: memory stays
    flat for a million cases, and it is several times quicker than prefetch_related.
    """
    from putright.cases.models import Case, Extension, Refusal, Remedy, RemedyKind, Stage

    last_reference = None
    while True:
        cases = Case.objects.order_by("reference")
        if last_reference is not None:
            cases = cases.filter(reference__gt=last_reference)
        chunk = list(
            cases.values_list(
                "id", "reference", "kind", "received_on", "service_area__name", "tenure", "channel",
                "description", "state", "withdrawn_on",
            )[:chunk_size]
        )
        if not chunk:
            return
        last_reference = chunk[-1][1]
        ids = [c[0] for c in chunk]

        themes: dict[int, list[str]] = {}
        for case_id, name in Case.themes.through.objects.filter(case_id__in=ids).values_list("case_id", "theme__name"):
            themes.setdefault(case_id, []).append(name)
        stages: dict[tuple[int, int], tuple] = {}
        for stage in Stage.objects.filter(case_id__in=ids).values_list(
            "id", "case_id", "number", "requested_on", "acknowledged_on", "code_respond_by", "respond_by",
            "responded_on", "decision",
        ):
            stages[(stage[1], stage[2])] = stage
        latest_extension: dict[int, dt.date] = {}  # stage id -> the latest extension's date
        for stage_id, new_respond_by in (
            Extension.objects.filter(stage__case_id__in=ids).order_by("stage_id", "id").values_list("stage_id", "new_respond_by")
        ):
            latest_extension[stage_id] = new_respond_by
        latest_refusal: dict[int, tuple[dt.date, str, str, bool]] = {}
        for case_id, refused_on, reason, explanation, rights in (
            Refusal.objects.filter(case_id__in=ids).order_by("refused_on", "id")
            .values_list("case_id", "refused_on", "reason", "explanation", "ombudsman_rights_given")
        ):
            latest_refusal[case_id] = (refused_on, reason, explanation, rights)
        compensation: dict[int, Decimal] = {}  # summed here: SQLite sums decimals as floats
        for case_id, amount in Remedy.objects.filter(
            case_id__in=ids, kind=RemedyKind.FINANCIAL, amount__isnull=False
        ).values_list("case_id", "amount"):
            compensation[case_id] = compensation.get(case_id, Decimal("0")) + amount

        for case_id, reference, kind, received_on, area, tenure, channel, description, state, withdrawn_on in chunk:
            row = [
                reference, kind, _date(received_on), area or "", tenure, channel,
                THEME_SEPARATOR.join(sorted(themes.get(case_id, ()))), description,
            ]
            for number in (1, 2):
                stage = stages.get((case_id, number))
                if stage is None:
                    row += [""] * (4 if number == 1 else 5)
                    continue
                stage_id, _, _, requested_on, acknowledged_on, code_respond_by, respond_by, responded_on, decision = stage
                extended_to = ""
                if respond_by != code_respond_by:  # Stage.is_extended
                    extended_to = _date(latest_extension.get(stage_id, respond_by))
                if number == 2:
                    row.append(_date(requested_on))
                row += [_date(acknowledged_on), extended_to, _date(responded_on), decision]
            refusal = latest_refusal.get(case_id) if state == State.REFUSED else None
            row += [_date(refusal[0]), refusal[1]] if refusal else ["", ""]
            row.append(_date(withdrawn_on) if state == State.WITHDRAWN else "")
            total = compensation.get(case_id)
            row.append(f"{total:.2f}" if total else "")
            row += [refusal[2], "yes" if refusal[3] else "no"] if refusal else ["", ""]
            yield row


def write_history(out: TextIO, *, chunk_size: int = 2000) -> int:
    """Write the header and every case (by reference) to ``out``; returns the number of cases.
    ``out`` should be opened with newline="" when it is a file."""
    writer = csvsafe.writer(out)  # formula-safe: a resident's "=HYPERLINK(...)" stays text
    writer.writerow(COLUMNS)
    count = 0
    for row in export_rows(chunk_size=chunk_size):
        writer.writerow(row)
        count += 1
    return count


def refusal_explanation(reason: str) -> str:
    label = REFUSAL_REASON_LABELS[RefusalReason(reason)]
    return f"Imported from earlier records: reason recorded as {label[0].lower()}{label[1:]}."

"""Opening a file to import and reading it whole: `read_history`."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from typing import IO

from putright.protect import csvsafe
from putright.rules.calendar import WorkingCalendar

from .columns import COLUMNS, REQUIRED_COLUMNS
from .results import Problem, ReadResult
from .planner import _Planner, _Row


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

"""CSV that a spreadsheet will not run (security finding, Low: formula injection).

A cell that starts with = + - @, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula: `=HYPERLINK(...)` in a resident's words would become a live link in
the complaints team's spreadsheet. Such text cells are written with a leading apostrophe, which
spreadsheets show as text and hide; `unescape` takes it off again when PutRight reads its own
export back in. Numbers are written as they are.
"""

from __future__ import annotations

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in "".join(FORMULA_START):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _SafeWriter:
    """Like csv.writer, with every text cell made formula-safe."""
    return _SafeWriter(csv.writer(out, **kwargs))

"""The report's grouped counts, kept by month and added up by quarter and year, so a year's figures
read a few hundred rows.

Every stage and case figure of `putright.reports.queries` is a count that adds up over days: the
responses of a year are the responses of its twelve months. So each grouped query the figures
are made of (a "source") is run once per month and its result kept in `MonthTally`, with each
quarter's and reporting year's months added up beside them; the figures for a period add up the
fewest rows that make it up. The sums are the same numbers the queries give
for the whole period (tests/test_tallies.py checks every figure both ways, after every kind of
change), so the figures stay byte-identical.

Keeping them true: database triggers (triggers.py) note every month a change to a case, stage,
refusal, extension or case theme touched, whatever made the change, in the same transaction.
`refresh()` counts those months again before any figures are read, and the worker does it every
minute, so a report rarely waits. Counts that depend on the working calendar (working-day
averages, extensions beyond the Code's limit) are counted again whole when the calendar changes.

Figures that are not sums over days (complaints refused, each counted once; compensation, with
distinct complaints; satisfaction) are still counted from the case tables: they read small,
indexed sets.

The parts: `spans` (months, quarters and years, and each database's words for the rows),
`counting` (the sources, counted from the case tables), `keeping` (the rows kept true: refresh,
rebuild) and `reading` (the sums of a period).
"""

from putright.performance.tallies.keeping import VERSION, rebuild, refresh
from putright.performance.tallies.reading import Sums, sums
from putright.performance.tallies.spans import MONTH, QUARTER, YEAR, _cell_of, _cells, month_of

__all__ = ["MONTH", "QUARTER", "VERSION", "YEAR", "Sums", "_cell_of", "_cells", "month_of", "rebuild", "refresh", "sums"]

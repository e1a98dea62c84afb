"""What PutRight does by itself after writing many rows at once (an import), and on the worker's
clock, so that pages stay fast without anyone remembering to maintain the database."""

from __future__ import annotations

from django.db import connection

from putright.performance import statistics

#: An import of at least this many cases refreshes the statistics of the tables it wrote.
ANALYZE_AFTER_ROWS = 1000


def case_tables() -> list:
    from putright.cases.models import Case, CaseEvent, CaseTheme, Extension, Refusal, Remedy, Stage

    return [Case, Stage, CaseEvent, CaseTheme, Extension, Refusal, Remedy]


def after_import(cases: int) -> None:
    """After an import wrote ``cases`` cases (and their stages, events and the rest)."""
    from putright.performance import casecounts, deadlinecounts, handlerstates, receivedcounts, tallies, themecounts

    if cases >= ANALYZE_AFTER_ROWS:
        statistics.after_bulk_write(case_tables())
    if cases:
        casecounts.compact()  # a row a case imported, folded into one a state
        deadlinecounts.compact()  # and into one a deadline day
        handlerstates.compact()  # a handler's (an import's cases have none yet: nothing, usually)
        themecounts.compact()  # a row a theme given, into one a theme and state
        receivedcounts.compact()  # a row a case, into one a day received
        tallies.refresh()  # the months the import touched, counted now rather than at the first report


class WhileImporting:
    """PostgreSQL plans every statement, the triggers' own included, by what the tables'
    statistics say of their size. An import into a nearly empty database (a landlord's first: their
    history) writes tables whose statistics say they are empty, in one transaction that no
    autovacuum sees into: PostgreSQL then looked up a case's stages for the report months'
    triggers through indexes led by another column, reading every stage written so far for each
    row written. Time went with the square of the rows: 20,000 cases into an empty database took
    163 s, into one of 5,000 analysed cases 67 s (load 5-6); the month trigger's time a case 2.7 ms
    after 6,000 cases written, 0.05 ms once analysed. Statistics taken inside the transaction
    count its own rows, and make the cached plans again: taken each time the import has doubled
    the cases, from 1,000 (at most a few times; never for an import smaller than the database).
    SQLite plans without regard to the tables' size: nothing to do there."""

    def __init__(self):
        from putright.cases.models import Case

        self.rows = Case.objects.count() if connection.vendor == "postgresql" else None
        self.analysed = self.rows

    def wrote(self, cases: int) -> None:
        """After a batch of ``cases`` cases (with their stages, events and the rest) was written."""
        if self.rows is None:
            return
        self.rows += cases
        if self.rows >= max(2 * self.analysed, ANALYZE_AFTER_ROWS):
            statistics.after_bulk_write(case_tables())  # inside the import's transaction: ANALYZE
            self.analysed = self.rows

"""What PutRight does by itself after writing many rows at once (an import), and on the worker's
clock, so that pages stay fast without anyone remembering to maintain the database."""

from __future__ import annotations

from putright.performance import statistics

#: An import of at least this many cases refreshes the statistics of the tables it wrote.
ANALYZE_AFTER_ROWS = 1000


def case_tables() -> list:
    from putright.cases.models import Case, CaseEvent, CaseTheme, Extension, Refusal, Remedy, Stage

    return [Case, Stage, CaseEvent, CaseTheme, Extension, Refusal, Remedy]


def after_import(cases: int) -> None:
    """After an import wrote ``cases`` cases (and their stages, events and the rest)."""
    from putright.performance import casecounts, deadlinecounts, handlerstates, tallies, themecounts

    if cases >= ANALYZE_AFTER_ROWS:
        statistics.after_bulk_write(case_tables())
    if cases:
        casecounts.compact()  # a row a case imported, folded into one a state
        deadlinecounts.compact()  # and into one a deadline day
        handlerstates.compact()  # a handler's (an import's cases have none yet: nothing, usually)
        themecounts.compact()  # a row a theme given, into one a theme
        tallies.refresh()  # the months the import touched, counted now rather than at the first report

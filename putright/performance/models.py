"""Counts kept by month for the reports (putright.performance.tallies)."""

from django.db import models


class MonthTally(models.Model):
    """What one month adds to one of the report's grouped counts: for example source "responded",
    stage 1, March 2026: {"responded": 812, "within_timescale": 790, ...}; and the same added up
    for each quarter and reporting year (`span`). Derived data: rebuilt from the case tables
    whenever they change (see tallies.py), never edited."""

    source = models.CharField(max_length=20)
    month = models.DateField(help_text="The first day of the month, or of the quarter or year the row adds up.")
    span = models.PositiveSmallIntegerField(
        default=1, help_text="The months the row adds up: 1, counted from the cases; 3 (a quarter) or 12 (a reporting "
                             "year), the sums of that quarter's or year's month rows.")
    number = models.PositiveSmallIntegerField(default=0, help_text="The stage number, or 0.")
    dims = models.CharField(max_length=100, blank=True, help_text="What the counts are grouped by, as JSON.")
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "span", "month", "number", "dims"], name="one_tally_row")]
        indexes = [models.Index(fields=["source", "span", "month"], name="tally_source_month")]


class TallyDirtyMonth(models.Model):
    """A month whose tallies no longer match the case tables: written by database triggers on
    every change to a case, stage, refusal, extension or theme (migration 0002), cleared when the
    month is counted again. On PostgreSQL every write locks the month's row (without writing it:
    putright.performance.triggers.ALREADY_MARKED), so a writer holds it until it commits and a
    refresh cannot count the month without its change. ``touched`` is 1: it once counted the writes."""

    month = models.DateField(primary_key=True)
    touched = models.PositiveIntegerField(default=0)


class TallyState(models.Model):
    """One row per fact about the tallies: "built" (when they were last built whole), "version"
    (of the sources they were counted with) and
    "calendar" (the working calendar they were counted with: working-day sums depend on it)."""

    key = models.CharField(max_length=20, primary_key=True)
    value = models.TextField()


class CaseCount(models.Model):
    """A change to the number of cases of a kind in a state: +1 or -1 a row, written by database
    triggers on cases_case (putright.performance.casecounts), folded into one row a kind and state
    by the worker. The number of cases in a state is the sum of its rows. Derived data, never edited."""

    kind = models.CharField(max_length=20)
    state = models.CharField(max_length=30)
    is_open = models.BooleanField()
    service_area_id = models.IntegerField(null=True)  # the case's, as it is (no key: derived data)
    delta = models.BigIntegerField()


class DeadlineCount(models.Model):
    """A change to the number of open cases whose next deadline falls on a day: +1 or -1 a row,
    written by database triggers on cases_case (putright.performance.deadlinecounts), folded into
    one row a day by the worker. The number of open cases due on a day is the sum of its rows.
    Derived data, never edited."""

    day = models.DateField()
    delta = models.BigIntegerField()

    class Meta:
        # The deadline counts add up a range of days: read from the index alone.
        indexes = [models.Index(fields=["day", "delta"], name="deadline_count_day")]


class HandlerDeadlineCount(models.Model):
    """A change to the number of a handler's open cases whose next deadline falls on a day (no
    day: no deadline): +1 or -1 a row, written by the deadline counts' triggers on cases_case
    (putright.performance.deadlinecounts), folded into one row a handler and day by the worker.
    A handler's open cases due on a day are the sum of its rows. Derived data, never edited."""

    handler = models.BigIntegerField()
    day = models.DateField(null=True)
    delta = models.BigIntegerField()

    class Meta:
        # A handler's counts add up a range of their days: read from the index alone.
        indexes = [models.Index(fields=["handler", "day", "delta"], name="handler_deadline_count_day")]


class Revision(models.Model):
    """A random number drawn again by database triggers whenever a small table every queue page
    reads changes (the closure days; the service areas, themes and handlers its filters offer):
    a process keeps those rows with the revision read before them, and reads them again when a
    page's counts show another (putright.performance.revisions). Derived data, never edited."""

    name = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()


class HandlerCaseCount(models.Model):
    """A change to the number of a handler's cases in a state: +1 or -1 a row, written by database
    triggers on cases_case (putright.performance.handlerstates), folded into one row a handler and
    state by the worker. A handler's cases in a state are the sum of its rows. Derived data, never edited."""

    handler = models.BigIntegerField()
    state = models.CharField(max_length=30)
    is_open = models.BooleanField()
    delta = models.BigIntegerField()

    class Meta:
        # A handler's counts add up their own rows: read from the index alone.
        indexes = [models.Index(fields=["handler", "state", "is_open", "delta"], name="handler_case_count_state")]


class ThemeCaseCount(models.Model):
    """A change to the number of cases given a theme in a state: +1 or -1 a row, written by
    database triggers on the case themes and the cases (putright.performance.themecounts), folded
    into one row a theme and state by the worker. A theme's cases in a state are the sum of its
    rows. Derived data, never edited."""

    theme = models.BigIntegerField()
    state = models.CharField(max_length=30)
    is_open = models.BooleanField()
    delta = models.BigIntegerField()

    class Meta:
        # A theme's counts add up their own rows: read from the index alone.
        indexes = [models.Index(fields=["theme", "state", "is_open", "delta"], name="theme_case_count_state")]


class ReceivedCount(models.Model):
    """A change to the number of cases received in a month, with a deadline (`dated`) or without:
    +1 or -1 a row, written by database triggers on cases_case (putright.performance.receivedcounts),
    folded into one row a month by the worker. The cases received in a month are the sum of its
    rows: where a page typed by its number deep in "including closed" starts
    (putright.cases.views.queue_jump). Derived data, never edited."""

    month = models.DateField(help_text="The first day of the month.")
    dated = models.BooleanField()
    delta = models.BigIntegerField()

    class Meta:
        # The months' running totals read from the index alone, the cases without a deadline apart.
        indexes = [models.Index(fields=["dated", "month", "delta"], name="received_count_month")]

"""The landlord's working-day calendar: England's bank holidays plus its own closure days."""

from putright.rules.calendar import WorkingCalendar


from putright.performance.compiled import Compiled


def _closure_days():
    from putright.cases.models import ClosureDay

    return ClosureDay.objects.values_list("day", "label")


# Read on every page that shows a deadline: its SQL is written by the ORM once
# (putright/performance/compiled.py). The days themselves are read fresh each time.
CLOSURE_DAYS = Compiled(_closure_days)

#: The closure days this process read last, and the calendar made of them (`calendar_of`).
_last: tuple[tuple, WorkingCalendar] | None = None


def calendar_of(rows) -> WorkingCalendar:
    """The calendar of these closure days (CLOSURE_DAYS's rows): the one made last time when they
    are the same days, so its index of working days is not built again every request."""
    global _last
    rows = tuple(rows)
    last = _last
    if last is not None and last[0] == rows:
        return last[1]
    cal = WorkingCalendar(dict(rows))
    _last = (rows, cal)
    return cal


def landlord_calendar() -> WorkingCalendar:
    """Load once per action and pass it to the rules; never query inside a predicate."""
    return calendar_of(CLOSURE_DAYS.rows())

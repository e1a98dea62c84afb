"""The landlord's working-day calendar: England's bank holidays plus its own closure days."""

from putright.rules.calendar import WorkingCalendar


from putright.performance.compiled import Compiled


def _closure_days():
    from putright.cases.models import ClosureDay

    return ClosureDay.objects.values_list("day", "label")


# Read on every page that shows a deadline: its SQL is written by the ORM once
# (putright/performance/compiled.py). The days themselves are read fresh each time.
CLOSURE_DAYS = Compiled(_closure_days)


def landlord_calendar() -> WorkingCalendar:
    """Load once per action and pass it to the rules; never query inside a predicate."""
    return WorkingCalendar(dict(CLOSURE_DAYS.rows()))

"""The landlord's working-day calendar: England's bank holidays plus its own closure days."""

from putright.rules.calendar import WorkingCalendar


def landlord_calendar() -> WorkingCalendar:
    """Load once per action and pass it to the rules; never query inside a predicate."""
    from putright.cases.models import ClosureDay

    return WorkingCalendar(dict(ClosureDay.objects.values_list("day", "label")))

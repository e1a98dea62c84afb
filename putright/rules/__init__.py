"""PutRight's domain rules: the Complaint Handling Code as plain Python.

Nothing here imports Django, reads the clock or touches the database. Every function takes its
inputs explicitly (dates, a ``WorkingCalendar``) and returns dates, enums or frozen dataclasses,
or raises ``RuleViolation``. The modules:

- ``calendar``: working days (weekends, England's bank holidays, closure days);
- ``deadlines``: each stage's clocks and the limits on extensions (section 6);
- ``lifecycle``: states, actions and the transitions between them (sections 5 and 6);
- ``exclusions``: when a complaint may be refused (section 2).
"""

from .calendar import SkippedDay, WorkingCalendar, WorkingDayCount, england_bank_holidays
from .errors import RuleViolation

__all__ = [
    "RuleViolation",
    "SkippedDay",
    "WorkingCalendar",
    "WorkingDayCount",
    "england_bank_holidays",
]

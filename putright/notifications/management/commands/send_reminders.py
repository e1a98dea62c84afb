"""Email each handler their cases overdue or due within 2 working days, once a day.

Run it from cron each working morning (or with --loop, which checks hourly). Each reminder is
a row in the outbox, keyed by person and day, so a second run the same day sends nothing more
and the outbox keeps a record of what was sent.
"""

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case
from putright.notifications import emails
from putright.rules.due import due_status, soon_until


def remind_all(today: dt.date | None = None) -> int:
    """Queue today's reminders. Returns how many were queued."""
    today = today or timezone.localdate()
    cal = landlord_calendar()
    if cal.non_working_reason(today):
        return 0  # weekends, bank holidays and closure days: nobody is at work to read it
    until = soon_until(today, cal)
    queued = 0
    User = get_user_model()
    handlers = User.objects.filter(is_active=True, cases__is_open=True, cases__next_deadline_by__lte=until).exclude(email="").distinct()
    for user in handlers.order_by("pk"):
        cases = Case.objects.filter(handler=user, is_open=True, next_deadline_by__lte=until).select_related("resident").order_by("next_deadline_by", "reference")
        overdue, due_soon = [], []
        for case in cases:
            status = due_status(today, case.next_deadline_by, cal)
            (overdue if case.next_deadline_by < today else due_soon).append(
                {"case": case, "words": status.words, "url": emails.site_url(f"/cases/{case.reference}/")}
            )
        if emails.staff_reminder(user, overdue=overdue, due_soon=due_soon, today=today):
            queued += 1
    return queued


class Command(BaseCommand):
    help = "Queue each handler's daily reminder of cases overdue or due within 2 working days."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, checking every hour")

    def handle(self, *args, **options):
        while True:
            queued = remind_all()
            self.stdout.write(f"Queued {queued} reminder(s); `putright send_outbox` delivers them.")
            if not options["loop"]:
                return
            time.sleep(3600)

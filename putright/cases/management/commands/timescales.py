"""`putright timescales`: the Code's dates for a stage, as JSON. Needs no database."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from putright.rules import deadlines
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{flag} must be a date written YYYY-MM-DD, not {value!r}")


class Command(BaseCommand):
    help = (
        "Print the Complaint Handling Code's dates for a stage as one JSON object with the keys "
        "acknowledge_by, respond_by and latest_extended_respond_by. Working days exclude weekends, "
        "bank holidays in England and the closure days given; the day received is day 0."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        # Parsed in handle(), not by argparse, so a bad value gives a one-line reason.
        parser.add_argument("--stage", required=True, help="1 or 2")
        parser.add_argument(
            "--received", required=True, metavar="DATE",
            help="stage 1: the date the complaint was received; stage 2: the date escalation was asked for",
        )
        parser.add_argument("--acknowledged", metavar="DATE", help="the date it was acknowledged, if it has been")
        parser.add_argument(
            "--closure-day", action="append", default=[], metavar="DATE", dest="closure_days",
            help="a day the landlord is closed (repeat for several)",
        )
        parser.add_argument(
            "--explain", action="store_true", help="also print how each date was counted, to standard error"
        )

    def handle(self, *args, **options):
        stage = options["stage"]
        if stage not in ("1", "2"):
            raise CommandError(f"--stage must be 1 or 2 (the Code has two stages), not {stage!r}")
        received = _date(options["received"], "--received")
        acknowledged = _date(options["acknowledged"], "--acknowledged") if options["acknowledged"] else None
        closures = [_date(d, "--closure-day") for d in options["closure_days"]]
        calendar = WorkingCalendar(closures)
        try:
            scales = deadlines.timescales(int(stage), received, acknowledged, calendar)
        except RuleViolation as error:
            raise CommandError(str(error))
        self.stdout.write(json.dumps(scales.as_json_dict()))
        if options["explain"]:
            for name in ("acknowledge_by", "respond_by", "latest_extended_respond_by"):
                deadline = getattr(scales, name)
                self.stderr.write(f"{name}: {deadline.due_on.isoformat()} — {deadline.rule} (Code {deadline.provision})")
                for line in deadline.count.lines():
                    self.stderr.write(f"  {line}")

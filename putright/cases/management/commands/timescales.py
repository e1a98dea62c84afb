"""`putright timescales`: the Code's dates for a stage, or Awaab's Law dates for a hazard
(``--hazard``), as JSON. Needs no database."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from putright.rules import deadlines, hazards
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
        "bank holidays in England and the closure days given; the day received is day 0. "
        "With --hazard and --aware instead: Awaab's Law dates for a hazard (investigate_by, and "
        "once --investigated is given summary_by, safety_work_by, preventative_work_begin_by and "
        "preventative_work_start_by)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        # Parsed in handle(), not by argparse, so a bad value gives a one-line reason.
        parser.add_argument("--stage", help="1 or 2")
        parser.add_argument(
            "--received", metavar="DATE",
            help="stage 1: the date the complaint was received; stage 2: the date escalation was asked for",
        )
        parser.add_argument("--acknowledged", metavar="DATE", help="the date it was acknowledged, if it has been")
        parser.add_argument(
            "--closure-day", action="append", default=[], metavar="DATE", dest="closure_days",
            help="a day the landlord is closed (repeat for several)",
        )
        # Awaab's Law (docs/awaabs-law.md): the hazard clocks ignore closure days.
        parser.add_argument("--hazard", help="emergency or significant: Awaab's Law dates for a hazard")
        parser.add_argument(
            "--aware", metavar="MOMENT", help='when the landlord became aware, London time: "2026-12-24T16:30"'
        )
        parser.add_argument("--investigated", metavar="DATE", help="the date the investigation concluded")
        parser.add_argument(
            "--explain", action="store_true", help="also print how each date was counted, to standard error"
        )

    def handle(self, *args, **options):
        if options["hazard"] is not None:
            return self._hazard(options)
        if options["stage"] is None or options["received"] is None:
            raise CommandError("give --stage and --received (or --hazard and --aware)")
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

    def _hazard(self, options):
        if options["hazard"] not in hazards.CATEGORIES:
            raise CommandError(f"--hazard must be emergency or significant, not {options['hazard']!r}")
        if not options["aware"]:
            raise CommandError("--hazard needs --aware: when the landlord became aware, e.g. 2026-12-24T16:30")
        if options["closure_days"]:
            raise CommandError("--closure-day does not apply to --hazard: closure days do not stop Awaab's Law clocks")
        try:
            aware = dt.datetime.fromisoformat(options["aware"])
        except ValueError:
            raise CommandError(f"--aware must be a date and time written YYYY-MM-DDTHH:MM, not {options['aware']!r}")
        if "T" not in options["aware"] and " " not in options["aware"]:
            raise CommandError("--aware needs the time as well as the date: the clocks start at a moment")
        investigated = _date(options["investigated"], "--investigated") if options["investigated"] else None
        try:
            scales = hazards.timescales(
                options["hazard"], hazards.local_moment(aware), investigated, hazards.legal_calendar()
            )
        except RuleViolation as error:
            raise CommandError(str(error))
        self.stdout.write(json.dumps(scales.as_json_dict()))
        if options["explain"]:
            for deadline in scales.deadlines:
                self.stderr.write(f"{deadline.step}: {deadline.as_json_value()} — {deadline.rule}")
                for line in deadline.lines():
                    self.stderr.write(f"  {line}")

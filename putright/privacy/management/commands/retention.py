from django.core.management.base import BaseCommand

from putright.privacy.models import RetentionSchedule
from putright.privacy.retention import iter_due, run_once


class Command(BaseCommand):
    help = (
        "List the ended cases whose retention period has passed (and those held, with why); with "
        "--apply, anonymise them and delete unfinished online complaints past their time. Each run "
        "is recorded with its counts, never names."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise what is due (without it, only list).")
        parser.add_argument("--counts-only", action="store_true", help="Print the counts, not every case (a first run over years of history lists hundreds of thousands).")
        parser.add_argument(
            "--seconds", type=float, default=None,
            help="Stop after about this many seconds (the run is recorded as partial; the next run carries on). Default: run to the end.",
        )

    def handle(self, *args, **options):
        schedule = RetentionSchedule.load()
        self.stdout.write(f"Retention schedule: {schedule}.")
        if not options["counts_only"]:
            # Streamed a page at a time: memory stays the same however many cases are due.
            due_now = held = 0
            self.stdout.write("Due for anonymisation (held ones marked):")
            for item in iter_due():
                if item.held:
                    held += 1
                    self.stdout.write(f"  {item.case.reference}: {item.reason}; held: {'; '.join(item.held)}")
                else:
                    due_now += 1
                    self.stdout.write(f"  {item.case.reference}: {item.reason}")
            self.stdout.write(f"Due for anonymisation: {due_now}")
            self.stdout.write(f"Held (kept although past their period): {held}")
        run_by = "putright retention" + (" --apply" if options["apply"] else "")
        counts = run_once(apply=options["apply"], run_by=run_by, budget=options["seconds"])
        if options["counts_only"]:
            self.stdout.write(f"Due for anonymisation: {counts.get('due', 0)}")
            self.stdout.write(f"Held (kept although past their period): {counts.get('held', 0)}")
        if options["apply"]:
            self.stdout.write(
                f"Anonymised: {counts.get('anonymised', 0)} case(s). Unfinished online complaints deleted: "
                f"{counts.get('unfinished online complaints deleted', 0)} (files: "
                f"{counts.get('unfinished online complaint files deleted', 0)}). Expired sessions deleted: "
                f"{counts.get('expired sessions deleted', 0)}."
            )
            if counts.get("more"):
                self.stdout.write("Stopped when its time was up: run it again to carry on from where it stopped.")
        else:
            self.stdout.write("Nothing changed: run with --apply to anonymise these.")

from django.core.management.base import BaseCommand

from putright.privacy.models import RetentionSchedule
from putright.privacy.retention import due, run_once


class Command(BaseCommand):
    help = (
        "List the ended cases whose retention period has passed (and those held, with why); with "
        "--apply, anonymise them and delete unfinished online complaints past their time. Each run "
        "is recorded with its counts, never names."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise what is due (without it, only list).")

    def handle(self, *args, **options):
        schedule = RetentionSchedule.load()
        self.stdout.write(f"Retention schedule: {schedule}.")
        due_now, held = due()
        self.stdout.write(f"Due for anonymisation: {len(due_now)}")
        for item in due_now:
            self.stdout.write(f"  {item.case.reference}: {item.reason}")
        self.stdout.write(f"Held (kept although past their period): {len(held)}")
        for item in held:
            self.stdout.write(f"  {item.case.reference}: {item.reason}; held: {'; '.join(item.held)}")
        counts = run_once(apply=options["apply"], run_by="putright retention" + (" --apply" if options["apply"] else ""))
        if options["apply"]:
            self.stdout.write(
                f"Anonymised: {counts.get('anonymised', 0)} case(s). Unfinished online complaints deleted: "
                f"{counts.get('unfinished online complaints deleted', 0)} (files: "
                f"{counts.get('unfinished online complaint files deleted', 0)}). Expired sessions deleted: "
                f"{counts.get('expired sessions deleted', 0)}."
            )
        else:
            self.stdout.write("Nothing changed: run with --apply to anonymise these.")

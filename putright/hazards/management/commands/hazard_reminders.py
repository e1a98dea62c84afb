"""`putright hazard_reminders`: queue Awaab's Law reminders once (the worker runs the same function)."""

import json

from django.core.management.base import BaseCommand

from putright.hazards.reminders import run_once


class Command(BaseCommand):
    help = "Queue an email for each hazard step due within 24 hours / the next working day, or missed (once each). Prints counts as JSON."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(run_once()))

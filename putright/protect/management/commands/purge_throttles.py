from django.core.management.base import BaseCommand

from putright.protect.throttle import run_once


class Command(BaseCommand):
    help = "Remove throttling counts older than a day (run daily, or from the worker)."

    def handle(self, *args, **options):
        self.stdout.write(f"{run_once()['removed']} old count(s) removed.")

import time

from django.core.management.base import BaseCommand

from putright.notifications.outbox import send_due


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox, retrying failures later. --loop keeps going."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, checking every --interval seconds")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, **options):
        while True:
            sent, failed = send_due()
            if sent or failed or not options["loop"]:
                self.stdout.write(f"Sent {sent} email(s); {failed} failed and will be retried.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])

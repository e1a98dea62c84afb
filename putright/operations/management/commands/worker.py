from django.core.management.base import BaseCommand

from putright.operations.jobs import REGISTRY
from putright.operations.worker import Worker


class Command(BaseCommand):
    help = (
        "Run PutRight's background work until stopped: send the outbox continuously (retrying "
        "when the mail server is down), handlers' reminders each working morning, recompute "
        "deadlines when the calendar changes, clear expired sessions and abandoned complaint "
        "drafts. Safe to kill at any moment; run one or more beside the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run the jobs that are due once, then stop")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and stop")

    def handle(self, *args, **options):
        if options["list"]:
            for job in REGISTRY.values():
                when = f"every {job.every}" if job.every else f"daily at {job.daily_at:%H:%M}"
                self.stdout.write(f"{job.name:<28} {when}")
            return
        Worker().run(once=options["once"])

from django.core.management import call_command
from django.core.management.base import BaseCommand

from putright.accounts.models import User
from putright.cases.demo import PASSWORD, USERS, build_demo, demo_present
from putright.cases.models import Case


class Command(BaseCommand):
    help = (
        "Fill an empty PutRight with a demo landlord: users for each role, a few hundred residents, "
        "and complaints, service requests and compliments over the last two reporting years in every "
        "state (some overdue, extended, refused, at stage 2). Then print how to sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=300)
        parser.add_argument("--complaints", type=int, default=260)
        parser.add_argument("--requests", type=int, default=120, help="service requests")
        parser.add_argument("--compliments", type=int, default=40)

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo_present():
            self.stdout.write("The demo data is already here; nothing added.")
        elif Case.objects.exists():
            self.stderr.write("This database already holds cases that are not the demo's; nothing added.")
            return
        else:
            demo = build_demo(
                residents=options["residents"], complaints=options["complaints"],
                requests=options["requests"], compliments=options["compliments"],
            )
            self.stdout.write(f"Demo landlord created with {Case.objects.count()} cases:")
            for key, n in sorted(demo.counts.items()):
                self.stdout.write(f"  {n:4d}  {key}")
        self.stdout.write("")
        self.stdout.write("After `putright serve`, the residents' site is at http://127.0.0.1:8000/")
        self.stdout.write("Staff sign in at http://127.0.0.1:8000/sign-in/ as:")
        for username, first, last, role in USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"  {username:<10} {role.label:<24} password: {PASSWORD}")

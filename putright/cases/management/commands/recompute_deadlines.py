from django.core.management.base import BaseCommand

from putright.cases.actions import recompute_deadlines


class Command(BaseCommand):
    help = (
        "Recompute the stored deadlines of every open complaint after the calendar changed (a closure "
        "day added or removed, a new bank holiday). Agreed extensions keep their dates; every change "
        "is written to the case's timeline."
    )

    def handle(self, *args, **options):
        changed = recompute_deadlines()
        self.stdout.write(f"{changed} stage(s) had their dates changed.")

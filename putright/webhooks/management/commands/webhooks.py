"""`putright webhooks add|list|resume|send`"""

import time

from django.core.management.base import BaseCommand, CommandError

from putright.rules.errors import RuleViolation
from putright.webhooks import actions, delivery
from putright.webhooks.models import Webhook


class Command(BaseCommand):
    help = "Register webhooks, see which are paused, resume them, and send what is due."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="register a URL for some events; prints its signing secret once")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True)
        add.add_argument("--events", required=True, help='comma-separated timeline kinds, e.g. logged,responded, or "*"')
        sub.add_parser("list", help="every hook, its events, and whether it is paused")
        resume = sub.add_parser("resume", help="send to a paused hook again")
        resume.add_argument("name")
        send = sub.add_parser("send", help="queue new events and send what is due (once, or --loop)")
        send.add_argument("--loop", action="store_true")
        send.add_argument("--every", type=int, default=10)

    def handle(self, *args, verb, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except RuleViolation as e:
            raise CommandError(e.message)

    def _add(self, name, url, events, **_):
        hook, secret = actions.register(name=name, url=url, events=events.split(","))
        self.stderr.write(f"Registered {hook.name}: {hook.url} for {', '.join(hook.events)}. Its signing secret, shown once:")
        self.stdout.write(secret)

    def _list(self, **_):
        for hook in Webhook.objects.all():
            state = f"PAUSED since {hook.paused_at:%Y-%m-%d %H:%M}: {hook.paused_reason}" if hook.paused_at else "active"
            self.stdout.write(f"{hook.name}\t{hook.url}\t{','.join(hook.events)}\t{state}")

    def _resume(self, name, **_):
        hook = Webhook.objects.filter(name=name).first()
        if hook is None:
            raise CommandError(f"There is no webhook named {name}.")
        delivery.resume(hook)
        self.stderr.write(f"Resumed {name}: its waiting deliveries go now.")

    def _send(self, loop, every, **_):
        while True:
            counts = delivery.run_once()
            self.stdout.write(f"{counts['queued']} queued, {counts['delivered']} delivered, {counts['failed']} failed.")
            if not loop:
                return
            time.sleep(every)

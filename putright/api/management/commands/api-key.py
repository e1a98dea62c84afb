"""`putright api-key create --name NAME --role ROLE` | `revoke --name NAME` | `list`"""

from django.core.management.base import BaseCommand, CommandError

from putright.accounts.models import Role
from putright.api import keys
from putright.api.models import ApiKey
from putright.rules.errors import RuleViolation


class Command(BaseCommand):
    help = "Create, revoke and list API keys. A new key is printed once and stored only as a hash."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="make a key and print it once")
        create.add_argument("--name", required=True, help="which system uses it, e.g. housing-system")
        create.add_argument("--role", required=True, choices=Role.values, help="what it may do (docs/roles.md)")
        revoke = sub.add_parser("revoke", help="stop a key working at once")
        revoke.add_argument("--name", required=True)
        sub.add_parser("list", help="the keys, their roles, when last used and whether revoked")

    def handle(self, *args, verb, **options):
        try:
            if verb == "create":
                key, raw = keys.create_key(name=options["name"], role=options["role"], created_by="putright api-key create")
                self.stderr.write(f"Created the key {key.name} ({key.get_role_display()}). It is shown once: store it now.")
                self.stdout.write(raw)
            elif verb == "revoke":
                key = keys.revoke_key(name=options["name"])
                self.stderr.write(f"Revoked the key {key.name}: it no longer works.")
            else:
                for key in ApiKey.objects.all():
                    status = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
                    used = f"last used {key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
                    self.stdout.write(f"{key.name}\t{key.role}\t{key.prefix}…\t{status}\t{used}")
        except RuleViolation as e:
            raise CommandError(e.message)

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Bring the database up to date (migrate) and serve PutRight on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address and port (default 127.0.0.1:8000)")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not (settings.STATIC_ROOT / "admin").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        addr = options["addr"]
        self.stdout.write(f"PutRight is running at http://{addr}/ (stop it with Ctrl+C).")
        call_command("runserver", addr, use_reloader=False)

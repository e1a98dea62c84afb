"""`putright serve`: bring the database up to date, then serve PutRight with gunicorn.

gunicorn is the production server: a master process and several worker processes (2 x cores + 1
unless --workers says otherwise, at most 8), each answering one request at a time, restarted after
a request takes longer than --timeout and after a thousand requests (a slow leak cannot grow).
PutRight is loaded once, in the master, and the workers are forked from it (preload_app).
Static files come from WhiteNoise in the same processes, as with the development server.
`--dev` keeps Django's development server, which reloads when the code changes.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class Command(BaseCommand):
    help = "Bring the database up to date (migrate) and serve PutRight (gunicorn; --dev for the development server)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address and port (default 127.0.0.1:8000)")
        parser.add_argument("--dev", action="store_true", help="Django's development server, reloading when code changes")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PUTRIGHT_WEB_WORKERS", 0)) or default_workers(),
                            help="gunicorn worker processes (default 2 x cores + 1, at most 8; or PUTRIGHT_WEB_WORKERS)")
        parser.add_argument("--timeout", type=int, default=60, help="seconds a request may take before its worker is restarted")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not (settings.STATIC_ROOT / "admin").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        addr = options["addr"]
        if options["dev"]:
            self.stdout.write(f"PutRight (development server) is running at http://{addr}/ (stop it with Ctrl+C).")
            call_command("runserver", addr, use_reloader=True)
            return
        # The workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        self.stdout.write(f"PutRight is running at http://{addr}/ with {options['workers']} workers (stop it with Ctrl+C).")
        self.stdout.flush()
        GunicornApp(gunicorn_options(addr, options["workers"], options["timeout"])).run()


def gunicorn_options(addr: str, workers: int, timeout: int) -> dict:
    """gunicorn's settings for `putright serve` (docs/deploying.md says why each is so)."""
    return {
        "bind": addr,
        "workers": workers,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 1000,
        "max_requests_jitter": 100,
        # Django is loaded once, in the master, and the workers are forked from it: a
        # worker replaced after max_requests starts in milliseconds instead of importing
        # PutRight again (a second or more of CPU taken from the other workers).
        "preload_app": True,
        # Our own middleware logs each request as JSON, without query strings; gunicorn's
        # access log would print them (tokens included), so it stays off.
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": settings.LOGGING | {"loggers": {"gunicorn.error": {"level": "INFO", "propagate": True}}},
        "proc_name": "putright",
        "control_socket_disable": True,
        "forwarded_allow_ips": os.environ.get("PUTRIGHT_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


def warm() -> None:
    """Load in the master what Django otherwise loads on a worker's first request: the URLs (every
    app's urls.py, views and forms), the reverse lookups, PutRight's templates compiled, the
    translations. A worker forked from a warm master serves its first request in milliseconds;
    from a cold one it spent about 2 s of CPU on it, after every max_requests (issue 19)."""
    from importlib import import_module

    from django.template import engines
    from django.urls import get_resolver
    from django.utils import timezone, translation

    from putright.rules.calendar import WorkingCalendar

    resolver = get_resolver()
    resolver.url_patterns  # imports every urls.py
    resolver.reverse_dict  # the table {% url %} and reverse() read
    translation.gettext("")
    for module in (settings.SESSION_ENGINE, settings.MESSAGE_STORAGE.rpartition(".")[0]):
        import_module(module)
    # England's working days for the decades around today (the holidays package and its
    # countries are imported on first use): every deadline on every page counts with them.
    WorkingCalendar().add_working_days(timezone.localdate(), 1)
    for engine in engines.all():
        for name in sorted(putright_templates()):
            engine.get_template(name)


def putright_templates() -> set[str]:
    """The names of PutRight's own templates (not the admin's or other libraries')."""
    root = Path(settings.BASE_DIR) / "putright"
    names = set()
    for folder in root.glob("**/templates"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".txt") and "node_modules" not in path.parts:
                names.add(path.relative_to(folder).as_posix())
    return names


class GunicornApp:
    """gunicorn's BaseApplication, configured from a dict instead of its command line."""

    def __new__(cls, options):
        from gunicorn.app.base import BaseApplication

        class _App(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                import gc

                from django.core.wsgi import get_wsgi_application

                application = get_wsgi_application()
                warm()
                # In the master (preload_app): no worker may inherit a connection, and what was
                # loaded stays out of the garbage collector's way (gc.freeze): its full
                # collections do not walk Django's 200,000 objects in each worker, nor touch
                # (and so copy) the pages the workers share with the master.
                connections.close_all()
                gc.freeze()
                # A request makes and drops tens of thousands of objects: with Python's default
                # (a collection every 700 new ones) the queue page spent 0.45 ms a request in
                # the collector; every 50,000 it is a few collections a minute.
                gc.set_threshold(50_000, 20, 20)
                return application

        return _App()

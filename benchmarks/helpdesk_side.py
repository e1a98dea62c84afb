"""django-helpdesk's half of benchmarks/helpdesk.py, run by that script inside the throwaway virtualenv
with django-helpdesk installed (`python benchmarks/helpdesk_side.py`, reading JSON commands a line at a
time): its minimal Django project, its database of tickets, and the work timed on its side. Also the
timing shared by both sides (`Side`). Never imports PutRight."""

from __future__ import annotations

import sys

# benchmarks/ holds helpdesk.py, named like the package compared with: off the path before `import helpdesk`.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0]) and not p.endswith("/benchmarks")]

import datetime as dt
import importlib.util
import json
import random
import subprocess
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve()
HELPDESK_VERSION = "2.6.1"
PAGE = 25
QUEUES = [
    "Repairs", "Damp and mould", "Anti-social behaviour", "Rent and service charges", "Lettings",
    "Estate services", "Gas safety", "Customer service", "Major works", "Leasehold", "Tenancy management",
    "Grounds maintenance",
]
STAFF = 20

def queue_bench():
    """benchmarks/queue.py (SqlClock, load_average), loaded by path: its name is the standard library's."""
    spec = importlib.util.spec_from_file_location("putright_queue_bench", HERE.parent / "queue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


QUEUE = queue_bench()


# --- the throwaway helpdesk project --------------------------------------------------------------

SETTINGS = '''
import os, urllib.parse
SECRET_KEY = "benchmark-only-key-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
                  "rest_framework", "helpdesk"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
              "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware"]
ROOT_URLCONF = "hdbench_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {"context_processors": [
    "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages"]}}]
_url = urllib.parse.urlsplit(os.environ["HELPDESK_DATABASE_URL"])
if _url.scheme == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url.path[1:] if _url.path.startswith("//") else _url.path}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"), "USER": _url.username or "",
                             "PASSWORD": _url.password or "", "HOST": _url.hostname or "", "PORT": str(_url.port or "")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Europe/London"
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
HELPDESK_TEAMS_MODE_ENABLED = False  # needs pinax-teams
'''
URLS = '''
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
'''


def make_helpdesk_env(venv: Path, postgres: bool) -> dict:
    """The throwaway virtualenv and project; the environment to run this file's helpdesk side in."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making a virtualenv with django-helpdesk {HELPDESK_VERSION} in {venv}", flush=True)
        subprocess.run(["python3.11", "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", f"django-helpdesk=={HELPDESK_VERSION}", "psycopg[binary]"],
                              capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"could not install django-helpdesk:\n{done.stdout}{done.stderr}")
    project = venv.parent / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "hdbench_settings.py").write_text(SETTINGS)
    (project / "hdbench_urls.py").write_text(URLS)
    return {"PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "hdbench_settings"}

# --- helpdesk's side: building its database ------------------------------------------------------


def hd_build(n: int, seed: int) -> None:
    """helpdesk's own migrations, then n tickets and their follow-ups written straight into its tables."""
    import uuid

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket, TicketChange

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    staff = [User.objects.create_user("bench-handler", "bench@example.org", None, is_staff=True, first_name="Bench", last_name="Handler")]
    staff += [User.objects.create_user(f"handler{i:02d}", f"handler{i:02d}@example.org", None, is_staff=True) for i in range(1, STAFF)]
    queues = [Queue.objects.create(title=t, slug=t.lower().replace(" ", "-")[:50]).pk for t in QUEUES]
    staff_ids = [u.pk for u in staff]
    rng = random.Random(seed)
    now = timezone.now()
    postgres = connection.vendor == "postgresql"

    def when(value):  # how Django stores a datetime: aware on PostgreSQL, UTC text on SQLite
        if value is None or postgres:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    ticket_cols = ("id", "title", "created", "modified", "submitter_email", "status", "on_hold", "description", "resolution",
                   "priority", "due_date", "last_escalation", "assigned_to_id", "queue_id", "secret_key")
    followup_cols = ("ticket_id", "date", "title", "comment", "public", "user_id", "new_status")

    def write(cur, table, cols, rows):
        if postgres:
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('%s' for _ in cols)})", rows)

    with transaction.atomic(), connection.cursor() as cur:
        for first in range(1, n + 1, 100_000):  # in chunks: a million rows at once would be a gigabyte of tuples
            tickets, followups = [], []
            for i in range(first, min(n, first + 99_999) + 1):
                created = now - dt.timedelta(days=rng.randrange(1, 3650), seconds=rng.randrange(86400))
                is_open = rng.random() < (0.7 if (now - created).days <= 70 else 0.032)
                due = None if rng.random() < 0.48 else created + dt.timedelta(days=14)
                q = rng.randrange(len(QUEUES))
                assigned = None if rng.random() < 0.1 else staff_ids[i % STAFF]
                status = (1 if rng.random() < 0.9 else 2) if is_open else (4 if rng.random() < 0.8 else 3)
                closed = None if is_open else created + dt.timedelta(days=rng.randrange(1, 60))
                description = f"The resident reports a problem with {QUEUES[q].lower()} at flat {i % 97 + 1}."
                tickets.append((i, f"{QUEUES[q]}: report {i}", when(created), when(closed or created), f"resident{i}@example.org",
                                status, False, description, None if is_open else "Repaired and confirmed.", rng.choice((1, 2, 3, 3, 3, 4, 5)),
                                when(due), None, assigned, queues[q], str(uuid.UUID(int=rng.getrandbits(128)))))
                followups.append((i, when(created), "Ticket Opened", description, True, None, None))
                if is_open:
                    followups.append((i, when(created + dt.timedelta(days=2)), "Comment", "We will visit.", False, assigned, None))
                else:
                    followups.append((i, when(closed), "Closed", "Closed.", True, assigned, 4))
            write(cur, Ticket._meta.db_table, ticket_cols, tickets)
            write(cur, FollowUp._meta.db_table, followup_cols, followups)
        if postgres:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{Ticket._meta.db_table}', 'id'), {n})")
    # The ticket page timed: open, overdue, with 60 follow-ups (some changing fields), through the ORM.
    me = staff[0]
    rich = Ticket.objects.create(title="Damp and mould: the bench ticket", queue_id=queues[1], submitter_email="rich@example.org",
                                 status=1, assigned_to=me, description="Mould in the bedroom.", due_date=now - dt.timedelta(days=20))
    for k in range(60):
        f = FollowUp.objects.create(ticket=rich, date=now - dt.timedelta(days=60 - k), title=f"Letter {k}", comment="Thank you for your letter.\nWe will visit.",
                                    public=k % 3 != 2, user=me)
        if k % 10 == 0:
            TicketChange.objects.create(followup=f, field="Priority", old_value="3", new_value="2")
    print(f"helpdesk: {n:,} tickets written in {time.perf_counter() - t0:.0f} s", flush=True)


def analyse() -> float:
    """Statistics for the database this process is connected to: `VACUUM ANALYZE` on PostgreSQL (the
    visibility map too, so index-only scans work as they would a while after a bulk load), `ANALYZE`
    on SQLite."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - t0


# --- the work timed, on each side ----------------------------------------------------------------


class Side:
    """One application's half of the comparison: `sql` and `pages` map a row's name to the ORM work
    (a function) and to the URLs a user waits for."""

    name = ""

    def measure(self, row: str, kind: str) -> dict:
        from django.db import connection

        clock = QUEUE.SqlClock(connection)
        t0 = time.perf_counter()
        with clock:
            if kind == "sql":
                self.sql[row]()
            else:
                for url in self.pages[row]:
                    response = self.client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
        return {"ms": (time.perf_counter() - t0) * 1000, "sql_ms": clock.total * 1000, "queries": len(clock.queries)}

    def rows(self) -> dict:
        return {"sql": list(self.sql), "page": list(self.pages)}

class HelpdeskSide(Side):
    name = "helpdesk"

    def __init__(self):
        from django.contrib.auth.models import User
        from django.db.models import Count
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone
        from helpdesk.models import FollowUp, Ticket
        from helpdesk.query import __Query__, last_followup_subquery, query_to_base64
        from helpdesk.user import HelpdeskUser

        me = User.objects.get(username="bench-handler")
        huser = HelpdeskUser(me)
        now = timezone.now()
        self.client = Client()
        self.client.force_login(me)
        self.client.get("/tickets/")
        # The queries as helpdesk's ticket list builds them (Query.get_datatables_context): its
        # filters, the "last follow-up" annotation the rows show, DISTINCT, then the order.
        open_query = {"filtering": {"status__in": [1, 2]}, "filtering_null": {}, "sorting": "due_date", "sortreverse": None, "search_string": ""}

        def tickets(params=open_query, **where):
            return __Query__(huser, query_params=json.loads(json.dumps(params))).get().annotate(
                last_followup=last_followup_subquery()).filter(**where).order_by(params["sorting"])

        self.open = tickets().count()
        self.overdue = tickets(due_date__lt=now).count()
        middle = max(1, -(-self.open // PAGE) // 2)
        rich = Ticket.objects.annotate(n=Count("followup")).order_by("-n").values_list("pk", "n").first()
        self.events = rich[1]
        email = f"resident{Ticket.objects.count() // 2}@example.org"
        search_query = {"filtering": {}, "filtering_null": {}, "sorting": "created", "sortreverse": None, "search_string": email}

        def ticket_page():
            ticket = Ticket.objects.select_related("queue", "assigned_to").get(pk=rich[0])
            list(ticket.followup_set.select_related("user").order_by("date"))

        plain = Ticket.objects.filter(status__in=[1, 2], due_date__lt=now).select_related("queue", "assigned_to").order_by("due_date")
        self.sql = {
            "open by due date, first 25": lambda: list(tickets()[:PAGE]),
            "open by due date, first 25 + count": lambda: (list(tickets()[:PAGE]), tickets().count()),
            "overdue, first 25": lambda: list(tickets(due_date__lt=now)[:PAGE]),
            "overdue, first 25 + count": lambda: (list(tickets(due_date__lt=now)[:PAGE]), tickets(due_date__lt=now).count()),
            # The least helpdesk could ask: the filter alone, without its list's DISTINCT and annotation.
            "overdue, first 25, a plain ORM query": lambda: list(plain[:PAGE]),
            "overdue, first 25 + count, a plain ORM query": lambda: (list(plain[:PAGE]), plain.count()),
            "open by due date, a page in the middle": lambda: list(tickets()[(middle - 1) * PAGE:middle * PAGE]),
            "one case/ticket with its events/follow-ups": ticket_page,
            "search by email, first 25 + count": lambda: (list(tickets(search_query)[:PAGE]), tickets(search_query).count()),
        }

        def rows(params, start, column):
            url = reverse("helpdesk:datatables_ticket_list", args=[query_to_base64(params)])
            return f"{url}?draw=1&start={start}&length={PAGE}&order[0][column]={column}&order[0][dir]=asc"

        self.pages = {
            "open by due date, page 1": ["/tickets/?status=1&status=2&sort=due_date", rows(open_query, 0, 6)],
            "open by due date, a page in the middle": ["/tickets/?status=1&status=2&sort=due_date", rows(open_query, (middle - 1) * PAGE, 6)],
            "one case/ticket page": [f"/tickets/{rich[0]}/"],
            "search by email": [f"/tickets/?q={urllib.parse.quote(email)}", rows(search_query, 0, 5)],
        }
        from django.db import connection

        with connection.cursor() as cur:
            shipped = connection.introspection.get_constraints(cur, Ticket._meta.db_table).values()
        indexed = sorted({", ".join(c["columns"]) for c in shipped if c["index"] or c["primary_key"]})
        self.about = (f"{Ticket.objects.count():,} tickets, {self.open:,} open, {self.overdue:,} overdue, {FollowUp.objects.count():,} follow-ups; "
                      f"ticket page: {self.events} follow-ups; middle page {middle}; its tickets' indexes (as shipped): {'; '.join(indexed)}")

def serve_helpdesk() -> None:
    """helpdesk's side as a process: one JSON command a line in, one JSON answer a line out."""
    import django

    answers, sys.stdout = sys.stdout, sys.stderr  # anything else printed goes to the terminal, not the answers
    django.setup()
    side = None
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "build":
            hd_build(command["tickets"], command["seed"])
            answer = {}
        elif command["do"] == "count":
            from django.db import connection
            from helpdesk.models import Ticket

            built = Ticket._meta.db_table in connection.introspection.table_names()
            answer = {"tickets": Ticket.objects.count() if built else 0}
        elif command["do"] == "analyse":
            answer = {"seconds": analyse()}
        elif command["do"] == "start":
            side = HelpdeskSide()
            answer = {"about": side.about, **side.rows()}
        else:
            answer = side.measure(command["row"], command["kind"])
        print(json.dumps(answer), file=answers, flush=True)



if __name__ == "__main__":
    serve_helpdesk()

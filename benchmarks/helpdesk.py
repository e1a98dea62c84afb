"""PutRight side by side with django-helpdesk 2.6.1: the same work, the same database server, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:55734/bench \\
        .venv/bin/python benchmarks/helpdesk.py [--tickets 1000000] [--runs 15] [--venv DIR] [--rebuild]

DATABASE_URL is PutRight's database, already built (by benchmarks/queue.py: a million cases with
`--cases 1000000 --keep DIR`, then `DATABASE_URL=sqlite:///DIR/bench.sqlite3`). django-helpdesk's
database goes beside it: on PostgreSQL a second database, `helpdesk` (--helpdesk-db), on the same
server; on SQLite a file `helpdesk.sqlite3` in the same folder.

What it does:

1. Makes a throwaway virtualenv (--venv, default /tmp/putright-helpdesk/venv) with
   `pip install django-helpdesk==2.6.1` from the configured package index, unless it is there,
   and writes a minimal Django project with helpdesk installed beside it (settings and urls, in
   /tmp). Nothing of helpdesk is in this repository.
2. Unless helpdesk's database already holds --tickets tickets (or with --rebuild): runs helpdesk's
   own migrations (its indexes as shipped), then writes the tickets straight into its tables (COPY on
   PostgreSQL, executemany on SQLite) with a mix like benchmarks/queue.py's: received over ten years,
   about 4.5% open (most of the last ten weeks', a backlog of older ones), open ones past their
   `due_date` (about 2%), half with no due date, 12 queues, 20 staff and a tenth unassigned, two
   follow-ups each, and one open ticket with 60 follow-ups (the ticket page timed). About 4 minutes
   at a million on PostgreSQL.
3. Runs ANALYZE on both databases, so both planners have statistics.
4. Times the same work in both, alternating PutRight and helpdesk run by run (so a change in the
   machine's load falls on both), each in its own process (two Django projects cannot share one):
   PutRight in this process, helpdesk in a process of the throwaway virtualenv, both signed in as a
   staff user through Django's test client, warm (one unmeasured run of each first).
   - "SQL": the queries each ORM generates for the work, as the application builds them (PutRight's
     `filtered_cases`; helpdesk's `Query` with the annotation its ticket list adds), timed to the last
     row fetched (benchmarks/queue.py's SqlClock).
   - "page": the whole in-process request. helpdesk's staff ticket list is two requests, the page
     (`/tickets/`) and the rows it loads (`datatables_ticket_list/...`): both are timed, as the user
     waits for both. helpdesk's list has no "overdue" filter: that row has no page.
5. Prints the medians, the query counts, the load average beside each row and the ratio
   helpdesk ÷ PutRight.

Each measurement stops after --runs runs, or earlier once a side has spent --budget seconds on it
(helpdesk's searches read every ticket). Not part of the test suite.
"""

from __future__ import annotations

import sys

# This file is named like the package it compares with: take its folder off the path first, or the
# helpdesk side's `import helpdesk` would import this file.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0]) and not p.endswith("/benchmarks")]

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import statistics
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
                              capture_output=True, text=True)
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
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")

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
    """ANALYZE the database this process is connected to."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
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


class PutRightSide(Side):
    name = "PutRight"

    def __init__(self):
        from django.db.models import Count
        from django.test import Client
        from django.utils import timezone

        from putright.accounts.models import User
        from putright.cases.calendar import landlord_calendar
        from putright.cases.models import Case, CaseEvent
        from putright.cases.views.queue import filtered_cases, with_columns
        from putright.residents.models import Resident

        me = User.objects.get(username="bench-handler")
        today, cal = timezone.localdate(), landlord_calendar()
        self.client = Client()
        self.client.force_login(me)
        self.client.get("/cases/")  # the first request after signing in does one-off work

        def cases(**data):
            return filtered_cases(me, {"cases": "all", **data}, today, cal)

        def page_of(qs, start=0):
            """As the queue asks: a page of ids (an OFFSET over bare index entries), then those rows."""
            ids = list(qs.values_list("pk", flat=True)[start:start + PAGE])
            return list(with_columns(Case.objects.filter(pk__in=ids)).order_by())

        self.open = cases().count()
        self.overdue = cases(due="overdue").count()
        middle = max(1, -(-self.open // PAGE) // 2)
        busiest = CaseEvent.objects.filter(actor__isnull=False).values("case").order_by().annotate(n=Count("id")).order_by("-n").first()
        self.events = CaseEvent.objects.filter(case=busiest["case"]).count()
        reference = Case.objects.get(pk=busiest["case"]).reference
        email = Resident.objects.order_by("pk")[Resident.objects.count() // 2].email

        def case_page():
            case = Case.objects.select_related("resident", "handler", "service_area").get(reference=reference)
            list(case.events.select_related("actor"))

        self.sql = {
            "open by due date, first 25": lambda: page_of(cases()),
            "open by due date, first 25 + count": lambda: (page_of(cases()), cases().count()),
            "overdue, first 25": lambda: page_of(cases(due="overdue")),
            "overdue, first 25 + count": lambda: (page_of(cases(due="overdue")), cases(due="overdue").count()),
            "open by due date, a page in the middle": lambda: page_of(cases(), (middle - 1) * PAGE),
            "one case/ticket with its events/follow-ups": case_page,
            "search by email, first 25 + count": lambda: (page_of(cases(q=email, state="all")), cases(q=email, state="all").count()),
        }
        self.pages = {
            "open by due date, page 1": ["/cases/?cases=all"],
            "overdue, page 1": ["/cases/?cases=all&due=overdue"],
            "open by due date, a page in the middle": [f"/cases/?cases=all&page={middle}"],
            "one case/ticket page": [f"/cases/{reference}/"],
            "search by email": [f"/cases/?q={urllib.parse.quote(email)}"],
        }
        self.about = (f"{Case.objects.count():,} cases, {self.open:,} open, {self.overdue:,} overdue, {CaseEvent.objects.count():,} events; "
                      f"case page: {self.events} events; middle page {middle}")


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

        self.sql = {
            "open by due date, first 25": lambda: list(tickets()[:PAGE]),
            "open by due date, first 25 + count": lambda: (list(tickets()[:PAGE]), tickets().count()),
            "overdue, first 25": lambda: list(tickets(due_date__lt=now)[:PAGE]),
            "overdue, first 25 + count": lambda: (list(tickets(due_date__lt=now)[:PAGE]), tickets(due_date__lt=now).count()),
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
        self.about = (f"{Ticket.objects.count():,} tickets, {self.open:,} open, {self.overdue:,} overdue, {FollowUp.objects.count():,} follow-ups; "
                      f"ticket page: {self.events} follow-ups; middle page {middle}")


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
            from helpdesk.models import Ticket

            from django.db import connection

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


class Remote:
    """The helpdesk process, asked as if it were a Side."""

    def __init__(self, python: Path, env: dict):
        self.process = subprocess.Popen([str(python), str(HERE), "--serve-helpdesk"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, env=dict(os.environ, **env))

    def ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit("the helpdesk process stopped (its error is above)")
        return json.loads(line)

    def measure(self, row: str, kind: str) -> dict:
        return self.ask(do="measure", row=row, kind=kind)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


# --- the run -------------------------------------------------------------------------------------


def compare(ours: Side, theirs: Remote, rows: dict, runs: int, budget: float) -> list[dict]:
    results = []
    for kind in ("sql", "page"):
        for row in dict.fromkeys(list(ours.sql if kind == "sql" else ours.pages) + rows[kind]):
            sides = [s for s, has in ((ours, row in (ours.sql if kind == "sql" else ours.pages)), (theirs, row in rows[kind])) if has]
            for side in sides:  # warm: the first run of each builds templates and fills caches
                side.measure(row, kind)
            taken = {id(s): [] for s in sides}
            spent = {id(s): 0.0 for s in sides}
            for i in range(runs):
                for side in sides:  # alternating, run by run
                    taken[id(side)].append(side.measure(row, kind))
                    spent[id(side)] += taken[id(side)][-1]["ms"] / 1000
                if i >= 2 and max(spent.values()) > budget:
                    break

            def summary(side):
                if id(side) not in taken:
                    return None
                done = taken[id(side)]
                return {"ms": statistics.median(d["ms"] for d in done), "sql_ms": statistics.median(d["sql_ms"] for d in done),
                        "queries": done[-1]["queries"], "runs": len(done)}

            results.append({"kind": kind, "row": row, "putright": summary(ours), "helpdesk": summary(theirs), "load": QUEUE.load_average()})
            r = results[-1]
            print(f"  {kind} {row}: " + ", ".join(f"{k} {v['ms']:.1f} ms" for k, v in r.items() if isinstance(v, dict)) + f" (load {r['load']})", flush=True)
    return results


def print_table(results: list[dict]) -> None:
    def cell(s):
        return f"{s['ms']:>9.1f} {s['sql_ms']:>7.1f} {s['queries']:>3}" if s else f"{'n/a':>9} {'':>7} {'':>3}"

    print(f"{'':<46} {'PutRight':^21} {'django-helpdesk':^21}")
    print(f"{'':<46} {'ms':>9} {'SQL ms':>7} {'q':>3} {'ms':>9} {'SQL ms':>7} {'q':>3} {'helpdesk ÷':>11} {'load':>5}")
    print(f"{'':<46} {'':>21} {'':>21} {'PutRight':>11}")
    for kind, title in (("sql", "The query each ORM generates, to the last row"), ("page", "The whole page, in-process (test client)")):
        print(title)
        for r in (r for r in results if r["kind"] == kind):
            ratio = f"{r['helpdesk']['ms'] / r['putright']['ms']:.1f}×" if r["helpdesk"] and r["putright"] else "n/a"
            print(f"  {r['row']:<44} {cell(r['putright'])} {cell(r['helpdesk'])} {ratio:>11} {r['load']:>5}")


def main() -> None:
    global QUEUE
    if "--serve-helpdesk" in sys.argv:
        QUEUE = queue_bench()
        serve_helpdesk()
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="helpdesk tickets to build (PutRight's database is built by queue.py)")
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement and side")
    parser.add_argument("--budget", type=float, default=20.0, help="stop a measurement early once a side has spent this many seconds on it")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/putright-helpdesk/venv"), help="the throwaway virtualenv (made if missing)")
    parser.add_argument("--helpdesk-db", default="helpdesk", help="helpdesk's database on PutRight's PostgreSQL server")
    parser.add_argument("--rebuild", action="store_true", help="build helpdesk's database again even if it holds --tickets tickets")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to PutRight's built database (see benchmarks/queue.py)")

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    postgres = url.scheme.startswith("postgres")
    if postgres:
        helpdesk_url = urllib.parse.urlunsplit(url._replace(path=f"/{args.helpdesk_db}"))
    else:
        helpdesk_url = f"sqlite:///{Path(url.path[1:] if url.path.startswith('//') else url.path).parent / 'helpdesk.sqlite3'}"
    os.environ.setdefault("PUTRIGHT_VAR_DIR", str(args.venv.parent / "putright-var"))
    os.environ.update(ALLOWED_HOSTS="testserver")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")
    os.environ.setdefault("PUTRIGHT_SSL_REDIRECT", "0")
    os.environ.setdefault("PUTRIGHT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    QUEUE = queue_bench()  # puts the repository on the path
    import django

    django.setup()
    from django.db import connection

    env = make_helpdesk_env(args.venv, postgres)
    env["HELPDESK_DATABASE_URL"] = helpdesk_url
    if args.rebuild:
        if postgres:
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{args.helpdesk_db}"')
        else:
            Path(urllib.parse.urlsplit(helpdesk_url).path[1:]).unlink(missing_ok=True)
    if postgres:
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.helpdesk_db])
            if not cur.fetchone():
                cur.execute(f'CREATE DATABASE "{args.helpdesk_db}"')
    helpdesk = Remote(args.venv / "bin" / "python", env)
    try:
        if helpdesk.ask(do="count")["tickets"] < args.tickets:
            if helpdesk.ask(do="count")["tickets"]:
                sys.exit("helpdesk's database holds fewer tickets than --tickets: run with --rebuild")
            print(f"building {args.tickets:,} helpdesk tickets in {helpdesk_url}", flush=True)
            helpdesk.ask(do="build", tickets=args.tickets, seed=args.seed)
        print(f"ANALYZE: PutRight {analyse():.1f} s, helpdesk {helpdesk.ask(do='analyse')['seconds']:.1f} s", flush=True)
        ours = PutRightSide()
        started = helpdesk.ask(do="start")
        print(f"timing up to {args.runs} runs per row and side, alternating (load average {QUEUE.load_average()})", flush=True)
        results = compare(ours, helpdesk, started, args.runs, args.budget)
    finally:
        helpdesk.close()
    server = f"PostgreSQL {connection.pg_version // 10000} at {url.hostname}:{url.port}" if postgres else "SQLite, files side by side"
    print()
    print(f"Same machine, same database server ({server}); PutRight and django-helpdesk {HELPDESK_VERSION} each in its own process,")
    print("alternating run by run, warm (one unmeasured run each first), both databases ANALYZEd, helpdesk's indexes as its")
    print("migrations ship them. Medians; SQL ms to the last row fetched; q = queries; load = 1-minute load average.")
    print(f"  PutRight: {ours.about}")
    print(f"  helpdesk: {started['about']}")
    print("  helpdesk's page = its /tickets/ page + the rows it loads (datatables_ticket_list); it has no overdue filter.")
    print()
    print_table(results)


QUEUE = None

if __name__ == "__main__":
    main()

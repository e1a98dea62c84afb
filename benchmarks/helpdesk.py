"""PutRight side by side with django-helpdesk 2.6.1: the same work, the same database server, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:55734/bench \\
        .venv/bin/python benchmarks/helpdesk.py [--tickets 1000000] [--runs 15] [--venv DIR] [--rebuild]
    DATABASE_URL=sqlite:////tmp/q/bench.sqlite3 .venv/bin/python benchmarks/helpdesk.py

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
   follow-ups each, and one open ticket with 60 follow-ups (the ticket page timed). About a minute
   at a million on either database.
3. Gives helpdesk's database statistics: `VACUUM ANALYZE` on PostgreSQL (the visibility map too,
   as a while after a bulk load), `ANALYZE` on SQLite. PutRight's is left as PutRight keeps it (its
   import and its worker take its statistics; `queue.py` ran the worker once): the figures quoted
   for PutRight are for a database nobody maintained by hand, and helpdesk, which keeps none
   itself, is given the benefit.
4. Times the same work in both, alternating PutRight and helpdesk run by run (so a change in the
   machine's load falls on both), each in its own process (two Django projects cannot share one):
   PutRight in this process, helpdesk in a process of the throwaway virtualenv, both signed in as a
   staff user through Django's test client, warm (one unmeasured run of each first).
   - "SQL": the queries each ORM generates for the work, as the application builds them (PutRight's
     `filtered_cases`, paged by id as the queue pages; helpdesk's `Query` with the DISTINCT and
     "last follow-up" annotation its ticket list adds, and a plain ORM filter without them, the
     least helpdesk could ask), timed to the last row fetched (benchmarks/queue.py's SqlClock).
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
import importlib.util
import json
import os
import statistics
import subprocess
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve()


# benchmarks/helpdesk_side.py, loaded by path (benchmarks/ is off the path, see above).
_spec = importlib.util.spec_from_file_location("helpdesk_side", HERE.parent / "helpdesk_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)
PAGE, QUEUE, Side = side.PAGE, side.QUEUE, side.Side


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
            # helpdesk's plain query (below) beside PutRight's own, which is as plain already.
            "overdue, first 25, a plain ORM query": lambda: page_of(cases(due="overdue")),
            "overdue, first 25 + count, a plain ORM query": lambda: (page_of(cases(due="overdue")), cases(due="overdue").count()),
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

class Remote:
    """The helpdesk process, asked as if it were a Side."""

    def __init__(self, python: Path, env: dict):
        self.process = subprocess.Popen([str(python), str(HERE.parent / "helpdesk_side.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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

            def summary(side, taken=taken):
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
    print(f"{'':<46} {'ms':>9} {'SQL ms':>7} {'q':>3} {'ms':>9} {'SQL ms':>7} {'q':>3} {'helpdesk ÷':>11} {'load':>5} {'runs':>6}")
    print(f"{'':<46} {'':>21} {'':>21} {'PutRight':>11}")
    for kind, title in (("sql", "The query each ORM generates, to the last row"), ("page", "The whole page, in-process (test client)")):
        print(title)
        for r in (r for r in results if r["kind"] == kind):
            ratio = f"{r['helpdesk']['ms'] / r['putright']['ms']:.1f}×" if r["helpdesk"] and r["putright"] else "n/a"
            runs = (r["putright"] or r["helpdesk"])["runs"]
            print(f"  {r['row']:<44} {cell(r['putright'])} {cell(r['helpdesk'])} {ratio:>11} {r['load']:>5} {runs:>6}")
    print("runs: each side's, alternating; fewer than --runs where a side had spent --budget seconds on the row.")


def main() -> None:
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
    import django

    django.setup()
    from django.db import connection

    env = side.make_helpdesk_env(args.venv, postgres)
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
        print(f"helpdesk's statistics (VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite): {helpdesk.ask(do='analyse')['seconds']:.1f} s;"
              " PutRight's left as its import and worker keep them", flush=True)
        ours = PutRightSide()
        started = helpdesk.ask(do="start")
        print(f"timing up to {args.runs} runs per row and side, alternating (load average {QUEUE.load_average()})", flush=True)
        results = compare(ours, helpdesk, started, args.runs, args.budget)
    finally:
        helpdesk.close()
    server = f"PostgreSQL {connection.pg_version // 10000} at {url.hostname}:{url.port}" if postgres else "SQLite, files side by side"
    print()
    print(f"Same machine, same database server ({server}); PutRight and django-helpdesk {side.HELPDESK_VERSION} each in its own process,")
    print("alternating run by run, warm (one unmeasured run each first); helpdesk's database analysed by hand, PutRight's as its")
    print("import and worker keep it; helpdesk's indexes as its migrations ship them. Medians; SQL ms to the last row fetched;")
    print("q = queries; load = 1-minute load average.")
    print(f"  PutRight: {ours.about}")
    print(f"  helpdesk: {started['about']}")
    print("  helpdesk's page = its /tickets/ page + the rows it loads (datatables_ticket_list); it has no overdue filter.")
    print()
    print_table(results)

if __name__ == "__main__":
    main()

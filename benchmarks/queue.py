"""How fast the staff queue and the case page are at scale.

    .venv/bin/python benchmarks/queue.py [--cases 1000000] [--runs 30] [--keep DIR] [--reuse] [--explain]

Builds a database of N cases received over the last 10 years with a realistic mix (about 65%
complaints, 30% service requests, 5% compliments; most closed, about 5% open, of which some are
overdue, some extended, some at stage 2), then signs in a handler with Django's test client
(in-process) and times GET requests to the queue and the case page: the median and 95th
percentile over R runs, the SQL queries each page makes (and the slowest of them), and the
process's peak memory.

The database is SQLite in DIR (a new temporary directory unless --keep) unless DATABASE_URL is
set, for example to a throwaway PostgreSQL server:

    scripts/postgres start /tmp/pg 55432
    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench .venv/bin/python benchmarks/queue.py
    scripts/postgres stop /tmp/pg

How the database is built, fast: the cases are written as CSV in the interchange format, in
chunks of --chunk rows, and each chunk goes through `putright import cases` (the bulk import, in
its own process, while the next chunk is generated). The import has no closing, handlers or
residents, so afterwards a few set-based UPDATEs close the finished cases (with a "closed"
timeline event each), allocate handlers and attach residents to 20% of cases. One complaint is
then driven through the service path (acknowledged, extended, 40 pieces of correspondence,
remedies, actions and updates): it is the case with the most events, and the case page timed.

--reuse times an already built database (DIR/bench.sqlite3, or DATABASE_URL) without building.
--explain prints the plan of every query slower than 2 ms. Before timing, PutRight's worker runs
once (`putright worker --once`: statistics, the reports' monthly counts), as it would beside a
server; --no-worker times the database as the build or upgrade left it.
Not part of the test suite.
"""

from __future__ import annotations

import sys

# This file is named like the standard library's queue module, which Django's dependencies import:
# take its folder off the path before anything else is imported.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0]) and not p.endswith("/benchmarks")]

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVICE_AREAS = [
    "Repairs", "Damp and mould", "Anti-social behaviour", "Rent and service charges", "Lettings",
    "Estate services", "Gas safety", "Customer service", "Major works", "Leasehold", "Tenancy management",
    "Grounds maintenance",
]
THEMES = [
    "Communication", "Delay", "Staff conduct", "Missed appointment", "Quality of work", "Noise",
    "Heating", "Water leak", "Pest control", "Cleaning", "Parking", "Safety", "Accessibility",
    "Charges", "Record keeping", "Contractor", "Adaptations", "Lift", "Windows", "Security",
]
CHANNELS = ["phone", "email", "letter", "in_person", "online", "social_media", "representative", "colleague", ""]
DECISIONS = ["upheld", "partly_upheld", "not_upheld"]
REASONS = ["over_12_months", "legal_proceedings", "previously_considered", "other"]
HANDLERS = 20
YEARS = 10


# --- generating the file ------------------------------------------------------------------------


class Generator:
    """Rows in the interchange format. Every date is on or before `today`, so the import accepts
    every row. Cases that should end closed but that the format cannot close (service requests,
    compliments and answered complaints) are closed after the import; those that should stay open
    are listed in `keep_open`."""

    def __init__(self, today: dt.date, seed: int):
        from putright.rules.calendar import WorkingCalendar

        self.today = today
        self.rng = random.Random(seed)
        self.cal = WorkingCalendar()
        self.keep_open: list[str] = []
        # The import refuses an extension to a date after today (it reads history), so extensions
        # still running are applied after it: (reference, stage number, new respond-by date).
        self.extend_later: list[tuple[str, int, dt.date]] = []

    def extension(self, row: dict, number: int, day: dt.date) -> None:
        if day <= self.today:
            row[f"stage{number}_extended_to"] = day.isoformat()
        else:
            self.extend_later.append((row["reference"], number, day))

    def wd(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return self.cal.add_working_days(day, self.rng.randint(lo, hi))

    def row(self, i: int) -> dict[str, str]:
        from putright.rules import deadlines

        rng, today = self.rng, self.today
        received = today - dt.timedelta(days=rng.randrange(1, YEARS * 365))
        age = (today - received).days
        # Open: most of the last ten weeks' cases, and a backlog of older ones.
        is_open = rng.random() < (0.7 if age <= 70 else 0.032)
        roll = rng.random()
        kind = "complaint" if roll < 0.65 else "service_request" if roll < 0.95 else "compliment"
        reference = f"BEN-{i + 1:07d}"
        row = {
            "reference": reference,
            "kind": kind,
            "received_on": received.isoformat(),
            "service_area": rng.choice(SERVICE_AREAS),
            "tenure": rng.choice(["lcra", "lcra", "lcra", "lcho", ""]),
            "channel": rng.choice(CHANNELS),
            "themes": ";".join(rng.sample(THEMES, rng.randint(0, 3))),
            "description": f"Resident reported a problem ({i}): the repair was booked, missed and booked again.",
        }
        if kind != "complaint":
            if is_open:
                self.keep_open.append(reference)
            elif rng.random() < 0.05:
                withdrawn = self.wd(received, 0, 10)
                row["withdrawn_on"] = min(withdrawn, today).isoformat()
            return row

        # How far the complaint has got: open ones stop part way (old open ones are stuck, so
        # overdue, or answered and waiting to be closed); closed ones went to the end.
        if is_open:
            stop = rng.choice(["logged", "acknowledged", "acknowledged", "responded", "requested", "acknowledged2", "responded2"])
            if age > 70 and stop in ("responded", "responded2") and rng.random() < 0.3:
                stop = "acknowledged"
        else:
            reach = rng.random()
            if reach < 0.05:
                row["refused_on"] = min(self.wd(received, 1, 5), today).isoformat()
                row["refusal_reason"] = rng.choice(REASONS)
                return self.explained(row)
            stop = "withdrawn" if reach < 0.08 else "responded2" if reach > 0.8 else "responded"

        ack = self.wd(received, 0, 7)
        if ack > today:
            return self.finish(row, reference, received, "logged", is_open)
        row["stage1_acknowledged_on"] = ack.isoformat()
        code = deadlines.timescales(1, received, ack, self.cal).respond_by.due_on
        self.code_dates = {1: code}
        respond_by = code
        if rng.random() < 0.12:
            respond_by = self.cal.add_working_days(code, rng.randint(3, 14))  # some beyond the cap of 10
            self.extension(row, 1, respond_by)
        if stop in ("logged", "acknowledged"):
            return self.finish(row, reference, received, stop, is_open, strip=stop == "logged")
        if stop == "withdrawn":
            row["withdrawn_on"] = min(self.wd(ack, 0, 5), today).isoformat()
            return row
        resp = self.cal.add_working_days(ack, rng.randint(3, 14))
        if resp > respond_by and rng.random() < 0.5:
            resp = respond_by
        if resp > today:
            return self.finish(row, reference, received, "acknowledged", is_open)
        row["stage1_responded_on"] = resp.isoformat()
        row["stage1_decision"] = rng.choice(DECISIONS)
        if rng.random() < 0.25:
            row["compensation_gbp"] = f"{rng.randint(25, 1500)}.{rng.choice(['00', '50'])}"
        if stop == "responded":
            return self.finish(row, reference, received, stop, is_open)
        req = self.wd(resp, 1, 20)
        if req > today:
            return self.finish(row, reference, received, "responded", is_open)
        row["stage2_requested_on"] = req.isoformat()
        if not is_open and rng.random() < 0.1:
            row["refused_on"] = min(self.wd(req, 1, 5), today).isoformat()
            row["refusal_reason"] = rng.choice(REASONS)
            return self.explained(row)
        ack2 = self.wd(req, 1, 7)
        if stop == "requested" or ack2 > today:
            return self.finish(row, reference, received, "requested", is_open)
        row["stage2_acknowledged_on"] = ack2.isoformat()
        code2 = deadlines.timescales(2, req, ack2, self.cal).respond_by.due_on
        self.code_dates[2] = code2
        if rng.random() < 0.15:
            self.extension(row, 2, self.cal.add_working_days(code2, rng.randint(5, 25)))
        resp2 = self.cal.add_working_days(ack2, rng.randint(10, 28))
        if stop == "acknowledged2" or resp2 > today:
            return self.finish(row, reference, received, "acknowledged2", is_open)
        row["stage2_responded_on"] = resp2.isoformat()
        row["stage2_decision"] = rng.choice(DECISIONS)
        return self.finish(row, reference, received, "responded2", is_open)

    @staticmethod
    def explained(row: dict) -> dict:
        """A refusal says why and gives the Ombudsman's details: the import requires both of a
        refusal less than 12 months old (issue 12). Draws no random numbers, so the data stays
        what the same seed gave before."""
        row["refusal_explanation"] = "Refused under our complaints policy; our letter explains why."
        row["refusal_ombudsman_rights_given"] = "yes"
        return row

    def finish(self, row, reference, received, stop, is_open, strip=False):
        if strip:
            for column in ("stage1_acknowledged_on", "stage1_extended_to"):
                row.pop(column, None)
        if not is_open and stop not in ("responded", "responded2"):
            # Meant to be finished but its steps would fall after today: it was withdrawn.
            last = max(dt.date.fromisoformat(v) for k, v in row.items() if k.endswith("_on") and v)
            row["withdrawn_on"] = last.isoformat()
        elif is_open and stop in ("responded", "responded2"):
            self.keep_open.append(reference)
        if is_open and stop in ("acknowledged", "requested", "acknowledged2"):
            self.within_cap(row, 1 if stop == "acknowledged" else 2)
        return row

    def within_cap(self, row: dict, number: int) -> None:
        """A stage still awaiting its response imports only with an extension the Code allows
        (10 working days at stage 1, 20 at stage 2: issue 12); history keeps its late ones."""
        code = self.code_dates.get(number)
        if code is None:
            return
        cap = self.cal.add_working_days(code, 10 if number == 1 else 20)
        column = f"stage{number}_extended_to"
        if row.get(column) and dt.date.fromisoformat(row[column]) > cap:
            row[column] = cap.isoformat()
        if self.extend_later and self.extend_later[-1][:2] == (row["reference"], number):  # added by this row
            self.extend_later[-1] = (row["reference"], number, min(self.extend_later[-1][2], cap))


def write_chunk(gen: Generator, path: Path, start: int, stop: int) -> None:
    from putright.cases.interchange import COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS, restval="")
        writer.writeheader()
        for i in range(start, stop):
            writer.writerow(gen.row(i))


def putright_command(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("putright")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "putright", *args]


# --- building the database ----------------------------------------------------------------------


def build(n: int, work: Path, chunk: int, seed: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    connection.close()
    timings["migrate"] = time.perf_counter() - t0

    from django.utils import timezone

    gen = Generator(timezone.localdate(), seed)
    t0 = time.perf_counter()
    gen_seconds = 0.0
    running: subprocess.Popen | None = None
    running_path: Path | None = None

    def wait() -> None:
        nonlocal running
        if running is None:
            return
        out, err = running.communicate()
        if running.returncode:
            sys.exit(f"import of {running_path} failed:\n{err[-3000:]}\n{out[-2000:]}")
        running_path.unlink()
        running = None

    for number, start in enumerate(range(0, n, chunk)):
        path = work / f"chunk{number:03d}.csv"
        g0 = time.perf_counter()
        write_chunk(gen, path, start, min(n, start + chunk))
        gen_seconds += time.perf_counter() - g0
        wait()  # SQLite has one writer: import the chunks one after the other
        running = subprocess.Popen(putright_command("import", "cases", str(path)), env=os.environ.copy(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        running_path = path
        print(f"  chunk {number + 1}: rows {start + 1:,}–{min(n, start + chunk):,} generated, importing", flush=True)
    wait()
    timings["generate CSV (overlapped with import)"] = gen_seconds
    timings["generate + import"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    finish_database(gen.keep_open, gen.extend_later, timezone.now())
    timings["close, allocate, residents"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rich_case(timezone.localdate())
    timings["busy case via the actions"] = time.perf_counter() - t0
    # No ANALYZE here: the import keeps the statistics itself (putright.performance), and the
    # figures are timed on what PutRight does by itself.
    for step, seconds in timings.items():
        print(f"  {step}: {seconds:.1f} s", flush=True)
    return timings


def finish_database(keep_open: list[str], extend_later: list[tuple[str, int, dt.date]], now: dt.datetime) -> None:
    """Extend, close what the import left open, allocate handlers, attach residents: set-based SQL."""
    from django.db import connection, transaction

    from putright.accounts.models import Role, User
    from putright.cases.models import Case, CaseEvent, Extension, Stage
    from putright.residents.models import Resident

    case_t, stage_t, event_t, ext_t = Case._meta.db_table, Stage._meta.db_table, CaseEvent._meta.db_table, Extension._meta.db_table
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE bench_extend (case_id bigint, number integer, new_respond_by date, PRIMARY KEY (case_id, number))")
        ids = dict(Case.objects.filter(reference__in=[r for r, _, _ in extend_later]).values_list("reference", "pk"))
        cur.executemany("INSERT INTO bench_extend (case_id, number, new_respond_by) VALUES (%s, %s, %s)",
                        [(ids[r], n, connection.ops.adapt_datefield_value(d)) for r, n, d in extend_later])
        match = f"FROM bench_extend e WHERE e.case_id = {stage_t}.case_id AND e.number = {stage_t}.number"
        cur.execute(f"UPDATE {stage_t} SET respond_by = (SELECT e.new_respond_by {match}) WHERE EXISTS (SELECT 1 {match})")
        cur.execute(
            f"INSERT INTO {ext_t} (stage_id, previous_respond_by, new_respond_by, reason, good_reason, beyond_code_limit, "
            f"ombudsman_details_given, created_at, entered_late, late_entry_reason) "
            f"SELECT s.id, s.code_respond_by, s.respond_by, 'Waiting for a survey.', '', %s, %s, %s, %s, '' "
            f"FROM {stage_t} s JOIN bench_extend e ON e.case_id = s.case_id AND e.number = s.number",
            [False, True, now, False],
        )
        cur.execute(
            f"UPDATE {case_t} SET next_deadline_by = (SELECT s.respond_by FROM {stage_t} s WHERE s.case_id = {case_t}.id "
            f"AND s.number = CASE WHEN {case_t}.state = 'stage2_acknowledged' THEN 2 ELSE 1 END) "
            f"WHERE state IN ('stage1_acknowledged', 'stage2_acknowledged') AND id IN (SELECT case_id FROM bench_extend)"
        )
        cur.execute("DROP TABLE bench_extend")

        cur.execute("CREATE TEMPORARY TABLE bench_keep_open (reference varchar(40) PRIMARY KEY)")
        cur.executemany("INSERT INTO bench_keep_open (reference) VALUES (%s)", [(r,) for r in keep_open])
        # Finished cases are closed on the day of their last response (or when received).
        cur.execute(
            f"UPDATE {case_t} SET previous_state = state, state = 'closed', is_open = %s, next_deadline_by = NULL, "
            f"closed_on = COALESCE((SELECT MAX(s.responded_on) FROM {stage_t} s WHERE s.case_id = {case_t}.id), received_on) "
            f"WHERE state IN ('open', 'stage1_responded', 'stage2_responded') "
            f"AND reference NOT IN (SELECT reference FROM bench_keep_open)",
            [False],
        )
        cur.execute(
            f"INSERT INTO {event_t} (case_id, {q('at')}, actor_id, actor_label, kind, summary, data) "
            f"SELECT id, %s, NULL, 'benchmark', 'closed', 'Closed.', %s FROM {case_t} WHERE state = 'closed'",
            [now, "{}"],
        )
        cur.execute("DROP TABLE bench_keep_open")

        me = User(username="bench-handler", first_name="Bench", last_name="Handler", role=Role.HANDLER)
        me.set_unusable_password()
        me.save()
        others = [User(username=f"handler{i:02d}", first_name=f"Handler {i:02d}", role=Role.HANDLER, password="!") for i in range(1, HANDLERS)]
        User.objects.bulk_create(others)
        ids = [me.pk] + list(User.objects.filter(username__startswith="handler").order_by("pk").values_list("pk", flat=True))
        first_case = Case.objects.order_by("pk").values_list("pk", flat=True).first()
        # Handlers in turn (the bench handler is one of them), a tenth of cases unallocated: one
        # pass over the table, not one per handler.
        cur.execute("CREATE TEMPORARY TABLE bench_handlers (position integer PRIMARY KEY, user_id bigint)")
        cur.executemany("INSERT INTO bench_handlers (position, user_id) VALUES (%s, %s)", list(enumerate(ids)))
        cur.execute(
            f"UPDATE {case_t} SET handler_id = (SELECT h.user_id FROM bench_handlers h WHERE h.position = {case_t}.id %% {len(ids)}) "
            f"WHERE kind <> 'compliment' AND (id %% 10) <> 3",
            [],  # with parameters, so %% means %
        )
        cur.execute("DROP TABLE bench_handlers")

        total = Case.objects.count()
        # Each with a phone number, postcode, tenancy reference and UPRN for the search to find,
        # the phone written with spaces as people do.
        residents = [
            Resident(
                name=f"Resident {i:07d}", email=f"resident{i}@example.org", tenure="lcra", address=f"{i} Long Street\nTown",
                phone=f"07700 {i:06d}", postcode=f"LS{1 + i % 30} {i % 10}{'ABDEFGHJ'[i % 8]}{'LNPQRSTU'[i // 8 % 8]}",
                tenancy_reference=f"T{i:07d}", uprn=str(100_000_000_000 + i),
            )
            for i in range(total // 5 + 1)
        ]
        Resident.objects.bulk_create(residents, batch_size=5000)
        first_resident = Resident.objects.order_by("pk").values_list("pk", flat=True).first()
        cur.execute(
            f"UPDATE {case_t} SET resident_id = %s + (id - %s) / 5 WHERE ((id - %s) %% 5) = 0",
            [first_resident, first_case, first_case],
        )


def rich_case(today: dt.date) -> str:
    """One complaint with a long timeline, through the service path like a real one."""
    from decimal import Decimal

    from putright.accounts.models import User
    from putright.cases import actions
    from putright.cases.actions import PointDecision
    from putright.cases.calendar import landlord_calendar
    from putright.cases.models import ServiceArea, Theme
    from putright.residents.models import Resident
    from putright.rules.lifecycle import Decision, Kind

    cal = landlord_calendar()
    me = User.objects.get(username="bench-handler")
    received = today - dt.timedelta(days=45)
    case = actions.log_case(
        kind=Kind.COMPLAINT, received_on=received, description="Damp and mould in the bedroom for months.",
        resident=Resident.objects.order_by("pk").first(), handler=me, actor=me,
        service_area=ServiceArea.objects.first(), themes=list(Theme.objects.all()[:3]), today=today,
    )
    ack = cal.add_working_days(received, 2)
    case = actions.acknowledge(case, acknowledged_on=ack, definition="Damp and mould not treated.", outcomes_sought="Treat it.",
                               responsible_for="The repair.", actor=me, today=ack)  # each step recorded on its day
    stage = case.current_stage
    case = actions.respond(case, responded_on=cal.add_working_days(ack, 5), points=[
        PointDecision(f"Point {i}", Decision.UPHELD, "We were late.") for i in range(3)], actor=me, today=cal.add_working_days(ack, 5))
    case = actions.request_stage_two(case, requested_on=cal.add_working_days(ack, 7), reason="Still damp.", actor=me, today=today)
    ack2 = cal.add_working_days(ack, 8)
    stage2_handler = User.objects.get(username="handler01")  # nobody who acted on stage 1 (6.13)
    case = actions.acknowledge(case, acknowledged_on=ack2, definition="Still damp.", outcomes_sought="Treat it properly.",
                               handler=stage2_handler, actor=stage2_handler, today=ack2)
    stage = case.current_stage
    case = actions.extend(case, new_respond_by=cal.add_working_days(stage.respond_by, 10), reason="Survey needed.",
                          resident_told_on=min(today, stage.respond_by), ombudsman_details_given=True, update_every_working_days=5,
                          actor=stage2_handler, today=min(today, stage.respond_by))
    for i in range(40):
        day = received + dt.timedelta(days=i % 30)
        actions.add_correspondence(case, direction=["in", "out", "note"][i % 3], occurred_on=min(day, today), subject=f"Letter {i}",
                                   body="Thank you for your letter.\nWe will visit.", correspondent="The resident", actor=me, today=today)
    for i in range(3):
        actions.add_remedy(case, kind="financial", description=f"Compensation {i}", amount=Decimal("100.00"), payment_method="money",
                           due_by=today + dt.timedelta(days=14), actor=me, today=today)
        action = actions.add_action(case, description=f"Treat the mould, room {i}", due_by=today + dt.timedelta(days=7 * (i + 1)), owner=me, actor=me)
        for j in range(2):
            actions.update_action(action, given_on=today, note=f"Visit booked ({j}).", actor=me, today=today)
    return case.reference


# --- timing -------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def load_average() -> str:
    """The machine's 1-minute load average, printed beside every figure: on a shared machine a
    figure means little without it."""
    return f"{os.getloadavg()[0]:.1f}"


class SqlClock:
    """Times each query to its last row: the execute and every fetch. Django's own query log times
    the execute only, and SQLite does most of its work while the rows are fetched (a queue page
    logged 10 ms of SQL where 229 ms went)."""

    def __init__(self, connection):
        import types

        from django.db.backends import utils

        self.connection = connection
        self.queries: list[dict] = []
        clock = self

        class Wrapper(utils.CursorWrapper):
            def execute(self, sql, params=None):
                entry = {"sql": sql, "params": params, "seconds": 0.0}
                clock.queries.append(entry)
                self._entry = entry
                t0 = time.perf_counter()
                try:
                    return super().execute(sql, params)
                finally:
                    entry["seconds"] += time.perf_counter() - t0

            def _timed(self, name, *args):
                t0 = time.perf_counter()
                try:
                    return getattr(self.cursor, name)(*args)
                finally:
                    if getattr(self, "_entry", None) is not None:
                        self._entry["seconds"] += time.perf_counter() - t0

            def fetchone(self):
                return self._timed("fetchone")

            def fetchmany(self, *args):
                return self._timed("fetchmany", *args)

            def fetchall(self):
                return self._timed("fetchall")

            def __iter__(self):
                while rows := self.fetchmany(100):
                    yield from rows

        self._wrapper = Wrapper
        self._types = types

    def __enter__(self):
        self.queries.clear()
        self._saved = self.connection.__dict__.get("make_cursor")
        self.connection.make_cursor = self._types.MethodType(lambda db, cursor: self._wrapper(cursor, db), self.connection)
        return self

    def __exit__(self, *exc):
        if self._saved is None:
            del self.connection.make_cursor
        else:
            self.connection.make_cursor = self._saved

    @property
    def total(self) -> float:
        return sum(q["seconds"] for q in self.queries)

    @property
    def slowest(self) -> dict:
        return max(self.queries, key=lambda q: q["seconds"]) if self.queries else {"sql": "", "seconds": 0.0}


#: The worker's jobs that keep pages fast (putright.performance). Not its other jobs: the nightly
#: retention job would anonymise years of the benchmark's history as it would a landlord's.
UPKEEP_JOBS = ("database_statistics", "report_tallies", "triage_backfill")


def run_worker_once() -> float:
    """What PutRight's worker does for speed in its first minute: the database's statistics, the
    reports' monthly counts, triage of imported requests (the jobs in UPKEEP_JOBS, run as the
    worker runs them). Not manual maintenance: a deployed PutRight runs its worker beside the
    web server."""
    t0 = time.perf_counter()
    code = ("import django; django.setup(); from putright.operations.jobs import REGISTRY; "
            f"[REGISTRY[name].func() for name in {UPKEEP_JOBS!r}]")
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"the worker's jobs failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - t0


def explain(sql: str, params=None) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cur:
        cur.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cur.fetchall())


def time_pages(runs: int, show_plans: bool) -> list[dict]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.cases.calendar import landlord_calendar
    from putright.cases.models import Case, CaseEvent, Theme
    from putright.cases.views.queue import PAGE_SIZE, filtered_cases

    me = User.objects.get(username="bench-handler")
    client = Client()
    client.force_login(me)
    client.get("/cases/")  # the first request after signing in does one-off work: not counted
    today, cal = timezone.localdate(), landlord_calendar()
    overdue = filtered_cases(me, {"due": "overdue"}, today, cal).count()
    middle = max(1, (overdue + PAGE_SIZE - 1) // PAGE_SIZE // 2)
    # Imported and closing events have no actor: only cases worked through the actions do.
    busiest = CaseEvent.objects.filter(actor__isnull=False).values("case").order_by().annotate(n=Count("id")).order_by("-n").first()
    busiest["n"] = CaseEvent.objects.filter(case=busiest["case"]).count()
    reference = Case.objects.get(pk=busiest["case"]).reference
    theme = Theme.objects.order_by("pk").first()
    from putright.residents.models import Resident

    someone = Resident.objects.order_by("pk")[Resident.objects.count() // 2]
    spaced = someone.phone.replace(" ", "")
    spaced = f"{spaced[:5]} {spaced[5:8]} {spaced[8:]}"  # typed with other spaces than stored
    number = reference.rsplit("-", 1)[1]
    pages = [
        ("overdue, page 1", "/cases/?cases=all&due=overdue"),
        (f"overdue, page {middle}", f"/cases/?cases=all&due=overdue&page={middle}"),
        ("all open, page 1", "/cases/?cases=all"),
        (f"case page ({busiest['n']} events)", f"/cases/{reference}/"),
        ("extended, page 1", "/cases/?cases=all&due=extended"),
        ("due soon, page 1", "/cases/?cases=all&due=soon"),
        ("theme + stage 2", f"/cases/?cases=all&theme={theme.pk}&stage=2"),
        ("mine, overdue", "/cases/?mine=1&due=overdue"),
        ("any state incl. closed", "/cases/?cases=all&state=all"),
        ("sorted by resident, all open", "/cases/?cases=all&sort=resident"),
        ("sorted by received, newest first", "/cases/?cases=all&sort=-received"),
        (f"search: reference {reference} (opens it)", f"/cases/?q={reference}"),
        (f"search: number {number}", f"/cases/?q={number}"),
        (f"search: phone '{spaced}'", f"/cases/?q={spaced.replace(' ', '+')}"),
        (f"search: postcode '{someone.postcode.lower().replace(' ', '')}'", f"/cases/?q={someone.postcode.lower().replace(' ', '')}"),
        ("search: email", f"/cases/?q={someone.email}"),
        ("search: tenancy reference", f"/cases/?q={someone.tenancy_reference}"),
        ("search: UPRN", f"/cases/?q={someone.uprn}"),
        ("search: part of a name", f"/cases/?q={someone.name.split()[1][2:]}"),
    ]
    # The same queue through the API (putright/api): a key with the handler's role, 25 a page.
    from putright.api.keys import create_key
    from putright.api.models import ApiKey

    # A new key each run (a --reuse run cannot read the raw key of the last one).
    _, raw = create_key(name=f"bench-api-{ApiKey.objects.count() + 1}", role="handler")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    cursor = api.get("/api/v1/cases?due=overdue").json()["next_cursor"]
    middle_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() // 2
    pages += [
        ("API: overdue, page 1", "/api/v1/cases?due=overdue"),
        ("API: overdue, next page", f"/api/v1/cases?due=overdue&cursor={cursor}"),
        ("API: all open, page 1", "/api/v1/cases"),
        ("API: case", f"/api/v1/cases/{reference}"),
        ("API: events, 100 from the middle", f"/api/v1/events?after={middle_event}"),
    ]
    results = []
    for label, url in pages:
        client_for = api if url.startswith("/api/") else client
        client_for.get(url)  # warm: the first request of a page builds its templates and caches
        sql_runs = []
        for _ in range(3):  # the database's time to the last row, three times: the median
            with SqlClock(connection) as clock:
                response = client_for.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)  # a reference opens its case
            sql_runs.append((clock.total, clock.slowest["seconds"], len(clock.queries)))
        if show_plans:
            print(f"\n{label}: {url}")
            for q in clock.queries:
                if q["seconds"] > 0.002:
                    print(f"  {q['seconds'] * 1000:.1f} ms: {q['sql'][:400]} {list(q['params'] or ())[:8]}")
                    print(explain(q["sql"], q["params"]))
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client_for.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code in (200, 302)
        sql_total, slowest, queries = sorted(sql_runs)[1]
        results.append({
            "page": label, "median": statistics.median(times), "p95": p95(times), "queries": queries,
            "sql": sql_total * 1000, "slowest": slowest * 1000, "bytes": len(response.content), "load": load_average(),
        })
        print(f"  {label}: median {results[-1]['median']:.1f} ms (load {results[-1]['load']})", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (the SQLite file and nothing else)")
    parser.add_argument("--reuse", action="store_true", help="time the database already built (in DIR, or DATABASE_URL)")
    parser.add_argument("--chunk", type=int, default=100_000, help="rows per imported file")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--explain", action="store_true", help="print the plan of each query slower than 2 ms")
    parser.add_argument("--no-worker", action="store_true",
                        help="time the pages without first running `putright worker --once` (statistics, report counts)")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="putright-queue-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["PUTRIGHT_VAR_DIR"] = str(work)
    if not os.environ.get("DATABASE_URL"):
        db = work / "bench.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["PUTRIGHT_API_RATE_LIMIT"] = str(10**9)  # the benchmark is one client asking fast
    # Production settings (no demo), over plain HTTP in-process, and one line per request is noise here.
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")
    os.environ.setdefault("PUTRIGHT_SSL_REDIRECT", "0")
    os.environ.setdefault("PUTRIGHT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    import django

    django.setup()
    from django.db import connection

    try:
        timings = {}
        if not args.reuse:
            print(f"building {args.cases:,} cases on {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
            t0 = time.perf_counter()
            timings = build(args.cases, work, args.chunk, args.seed)
            timings["build, total"] = time.perf_counter() - t0
            import_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        from putright.cases.models import Case, CaseEvent

        counts = {
            "cases": Case.objects.count(),
            "open": Case.objects.filter(is_open=True).count(),
            "events": CaseEvent.objects.count(),
        }
        if not args.no_worker:
            timings["the worker's statistics, tallies and triage jobs"] = run_worker_once()
        print(f"timing {args.runs} runs per page (load average {load_average()})", flush=True)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = time_pages(args.runs, args.explain)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print()
        print(f"database: {connection.vendor}, {counts['cases']:,} cases ({counts['open']:,} open), {counts['events']:,} timeline events")
        for step, seconds in timings.items():
            print(f"  {step:<52} {seconds:8.1f} s")
        if not args.reuse:
            print(f"  peak RSS of an import process            {import_peak:8.0f} MB")
        print()
        print("SQL ms: the database's time for the page's queries, to the last row fetched (median of 3); load: 1-minute load average")
        print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'slowest':>8} {'KB':>6} {'load':>5}")
        for r in results:
            print(f"{r['page']:<40} {r['median']:>10.1f} {r['p95']:>8.1f} {r['queries']:>8} {r['sql']:>8.1f} {r['slowest']:>8.1f} {r['bytes'] / 1024:>6.0f} {r['load']:>5}")
        print(f"\npeak RSS of this process: {rss:.0f} MB ({rss_before:.0f} MB before timing; {args.runs} runs per page)")
    finally:
        connection.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

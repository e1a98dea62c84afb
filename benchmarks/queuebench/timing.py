"""Timing: medians and the 95th percentile, the load average beside each figure, the database's
time to the last row fetched (SqlClock), the plans of slow queries, and the worker's upkeep jobs
run once before timing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def timed_visits(client, url: str, runs: int) -> tuple[list[float], list[float]]:
    """`runs` requests of `url` as a repeat visit and `runs` as a first one, taken in turn (ms).
    A queue page keeps what it builds for its filters, sort and user (putright.cases.views.queue_kept):
    a first visit is timed with every build forgotten, as the first request after a filter is
    chosen (or the worker started) is served; the repeat after it finds its build kept. Side by
    side, so a slow minute of the machine slows both."""
    from putright.cases.views import queue_kept

    repeat, first = [], []
    for _ in range(runs):
        queue_kept.forget()
        t0 = time.perf_counter()
        response = client.get(url)
        first.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)  # a reference opens its case
        t0 = time.perf_counter()
        client.get(url)
        repeat.append((time.perf_counter() - t0) * 1000)
    return repeat, first


def load_average() -> str:
    """The machine's 1-minute load average, printed beside every figure: on a shared machine a
    figure means little without it."""
    return f"{os.getloadavg()[0]:.1f}"


def machine_speed() -> str:
    """Two fixed workloads timed before the pages (median of 5), printed beside the load average:
    the same machine has run every page twice as slowly in one hour as in another, and the
    figures of two sessions can only be compared beside these. Python: a million additions and
    remainders (no I/O). A Django template: 2,000 table rows with a date and escaping, as a page's
    rendering is (a tight loop stays in the CPU's caches; a page does not). The database:
    counting 300,000 generated rows, on its own CPU, through the connection the pages use."""
    from django.db import connection

    def python_work() -> None:
        total = 0
        for i in range(1_000_000):
            total += i * i % 7

    import datetime as dt

    from django.template import engines

    table = engines["django"].from_string(
        "{% for r in rows %}<tr><td>{{ r.reference }}</td><td>{{ r.received|date:'j M Y' }}</td>"
        "<td>{{ r.name }}</td></tr>{% endfor %}")
    rows = [{"reference": f"PR-2026-{i:06d}", "received": dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
             "name": "Anna <Smith> & Sons"} for i in range(2_000)]

    def template_work() -> None:
        table.render({"rows": rows})

    sql = ("SELECT count(*) FROM generate_series(1, 300000)" if connection.vendor == "postgresql" else
           "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT count(*) FROM n")

    def database_work() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    medians = []
    for work in (python_work, template_work, database_work):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            work()
            runs.append((time.perf_counter() - t0) * 1000)
        medians.append(statistics.median(runs))
    return (f"reference workloads: Python {medians[0]:.0f} ms, a Django template {medians[1]:.0f} ms, "
            f"{connection.vendor} {medians[2]:.0f} ms")


class SqlClock:
    """Times each query to its last row: the execute and every fetch. Django's own query log times
    the execute only, and SQLite does most of its work while the rows are fetched (a queue page
    logged 10 ms of SQL where 229 ms went).

    On PostgreSQL the queue and the case page send their statements in a psycopg pipeline: each
    execute only queues its statement, and every result arrives when the pipeline ends (or syncs).
    That wait is timed too (`waits`) and counted in `total`, not as a query of its own.

    `total` is wall time, and on a shared machine much of it is neither process working: where
    the server runs on this machine (Linux), the clock also says what the time was made of
    (`parts`): this process's CPU inside the timed calls (Django's and psycopg's Python: the
    parameters, the rows), each side's waits for a CPU (the run queue, from
    /proc/.../schedstat: the load), and the database server's own CPU for the connection. They
    overlap (the server works while this process waits for a CPU), so they do not add up to
    `total`; round trips are in none of them."""

    def __init__(self, connection, parts: bool = False):
        """`parts`: also read what the time was made of (`parts`), at about 0.1 ms of this
        process's CPU a query, spent between the times (not in them, but in a page's)."""
        import types

        from django.db.backends import utils

        self.connection = connection
        self.queries: list[dict] = []
        self.waits: list[float] = []
        self.runs = _Runs(connection) if parts else _NoRuns()
        clock = self

        class Wrapper(utils.CursorWrapper):
            def execute(self, sql, params=None):
                entry = {"sql": sql, "params": params, "seconds": 0.0}
                clock.queries.append(entry)
                self._entry = entry
                clock.runs.start()
                t0 = time.perf_counter()
                try:
                    return super().execute(sql, params)
                finally:
                    entry["seconds"] += time.perf_counter() - t0
                    clock.runs.stop()

            def _timed(self, name, *args):
                clock.runs.start()
                t0 = time.perf_counter()
                try:
                    return getattr(self.cursor, name)(*args)
                finally:
                    if getattr(self, "_entry", None) is not None:
                        self._entry["seconds"] += time.perf_counter() - t0
                    clock.runs.stop()

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
        self.waits.clear()
        self.runs.begin()
        self._saved = self.connection.__dict__.get("make_cursor")
        self.connection.make_cursor = self._types.MethodType(lambda db, cursor: self._wrapper(cursor, db), self.connection)
        self._pipeline = None
        if self.connection.vendor == "postgresql":
            import psycopg

            self._pipeline = psycopg.Pipeline
            self._pipeline_saved = (psycopg.Pipeline.__exit__, psycopg.Pipeline.sync)
            psycopg.Pipeline.__exit__ = self._waited(psycopg.Pipeline.__exit__)
            psycopg.Pipeline.sync = self._waited(psycopg.Pipeline.sync)
        return self

    def _waited(self, method):
        waits, runs = self.waits, self.runs

        def timed(*args, **kwargs):
            runs.start()
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                waits.append(time.perf_counter() - t0)
                runs.stop()

        return timed

    def __exit__(self, *exc):
        self.runs.end()
        if self._saved is None:
            del self.connection.make_cursor
        else:
            self.connection.make_cursor = self._saved
        if self._pipeline is not None:
            self._pipeline.__exit__, self._pipeline.sync = self._pipeline_saved

    @property
    def total(self) -> float:
        """Every query's execute and fetches, and the waits for pipelines' results."""
        return sum(q["seconds"] for q in self.queries) + sum(self.waits)

    @property
    def parts(self) -> dict[str, float | None]:
        """What `total` was made of, in seconds (None: not known here): `client_cpu`, this
        process's CPU inside the timed calls; `client_queued`, its waits for a CPU inside them;
        `server_cpu` and `server_queued`, the database server's process for this connection
        (PostgreSQL on this machine), from the first query to the end of the block."""
        return self.runs.parts()

    @property
    def slowest(self) -> dict:
        return max(self.queries, key=lambda q: q["seconds"]) if self.queries else {"sql": "", "seconds": 0.0}


def _schedstat(path: str) -> tuple[int, int] | None:
    """A Linux thread's or process's CPU time and time waiting on the run queue, in ns."""
    try:
        with open(path) as f:
            cpu, queued, _slices = f.read().split()
        return int(cpu), int(queued)
    except (OSError, ValueError):
        return None


class _NoRuns:
    def begin(self) -> None:
        pass

    start = stop = end = begin

    def parts(self) -> dict[str, float | None]:
        return dict.fromkeys(("client_cpu", "client_queued", "server_cpu", "server_queued"))


class _Runs:
    """This thread's CPU (time.thread_time, exact) and run-queue waits inside the timed calls;
    the PostgreSQL server process's run-queue waits inside them too, and its CPU from the first
    query to the end of the block (its schedstat: exact while it is idle, as it is between a
    request's round trips). The server's process is found by the connection's backend pid, only
    when the server is on this machine. Each read of /proc is made outside the times it adds to."""

    CLIENT = "/proc/thread-self/schedstat"

    def __init__(self, connection):
        self.connection = connection
        self.begin()

    def begin(self) -> None:
        self.client_cpu = self.client_queued = self.server_queued = 0
        self.depth = 0
        self.server_path = None
        self.server_start = None
        self.server_cpu = None

    def _server(self) -> None:
        """Find the server's process the first time a query starts (the connection is open)."""
        if self.server_path is not None or self.connection.vendor != "postgresql" or self.connection.connection is None:
            return
        info = self.connection.connection.info
        if not (info.host.startswith("/") or info.host in ("127.0.0.1", "localhost", "::1")):
            return  # another machine's process: its pid means nothing here
        self.server_path = f"/proc/{info.backend_pid}/schedstat"
        self.server_start = _schedstat(self.server_path)

    def start(self) -> None:
        self.depth += 1
        if self.depth == 1:
            self._server()
            server = _schedstat(self.server_path) if self.server_start else None
            self._mark = (server, _schedstat(self.CLIENT), time.thread_time_ns(), time.perf_counter_ns())

    def stop(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            cpu, wall = time.thread_time_ns(), time.perf_counter_ns() - self._mark[3]
            client, server = _schedstat(self.CLIENT), _schedstat(self.server_path) if self.server_start else None
            self.client_cpu += cpu - self._mark[2]
            # A wait is counted when the waiting side next runs, which may be just outside the
            # call (reading /proc): at most the call's own time is counted.
            if client is not None and self._mark[1] is not None:
                self.client_queued += min(client[1] - self._mark[1][1], wall)
            if server is not None and self._mark[0] is not None:
                self.server_queued += min(server[1] - self._mark[0][1], wall)

    def end(self) -> None:
        if self.server_start is not None:
            now = _schedstat(self.server_path)
            if now is not None:
                self.server_cpu = now[0] - self.server_start[0]

    def parts(self) -> dict[str, float | None]:
        known = _schedstat(self.CLIENT) is not None
        return {
            "client_cpu": self.client_cpu / 1e9,
            "client_queued": self.client_queued / 1e9 if known else None,
            "server_cpu": None if self.server_cpu is None else self.server_cpu / 1e9,
            "server_queued": None if self.server_cpu is None else self.server_queued / 1e9,
        }


#: The worker's jobs that keep pages fast: every job the performance app registers (read from the
#: registry, so a new one is run here too), and triage of imported requests. Not its other jobs:
#: the nightly retention job would anonymise years of the benchmark's history as it would a
#: landlord's. The list once named three and missed the kept counts' folding jobs, added later: a
#: fresh build's 1.75 million unfolded rows of counts by state made "all open" 107 ms on SQLite.
UPKEEP_APP = "putright.performance"
UPKEEP_ALSO = ("triage_backfill",)


def run_worker_once() -> float:
    """What PutRight's worker does for speed in its first minute: the database's statistics (and, on
    PostgreSQL, its bloated indexes rebuilt), the
    reports' monthly counts, the queue's kept counts folded, triage of imported requests (the jobs of UPKEEP_APP and UPKEEP_ALSO, run as the
    worker runs them). Not manual maintenance: a deployed PutRight runs its worker beside the
    web server."""
    t0 = time.perf_counter()
    code = ("import django; django.setup(); from putright.operations.jobs import REGISTRY; "
            f"[job.func() for name, job in REGISTRY.items() if job.func.__module__.startswith({UPKEEP_APP!r}) or name in {UPKEEP_ALSO!r}]")
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

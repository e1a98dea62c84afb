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


def load_average() -> str:
    """The machine's 1-minute load average, printed beside every figure: on a shared machine a
    figure means little without it."""
    return f"{os.getloadavg()[0]:.1f}"


class SqlClock:
    """Times each query to its last row: the execute and every fetch. Django's own query log times
    the execute only, and SQLite does most of its work while the rows are fetched (a queue page
    logged 10 ms of SQL where 229 ms went).

    On PostgreSQL the queue and the case page send their statements in a psycopg pipeline: each
    execute only queues its statement, and every result arrives when the pipeline ends (or syncs).
    That wait is timed too (`waits`) and counted in `total`, not as a query of its own."""

    def __init__(self, connection):
        import types

        from django.db.backends import utils

        self.connection = connection
        self.queries: list[dict] = []
        self.waits: list[float] = []
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
        self.waits.clear()
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
        waits = self.waits

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                waits.append(time.perf_counter() - t0)

        return timed

    def __exit__(self, *exc):
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
    def slowest(self) -> dict:
        return max(self.queries, key=lambda q: q["seconds"]) if self.queries else {"sql": "", "seconds": 0.0}


#: The worker's jobs that keep pages fast: every job the performance app registers (read from the
#: registry, so a new one is run here too), and triage of imported requests. Not its other jobs:
#: the nightly retention job would anonymise years of the benchmark's history as it would a
#: landlord's. The list once named three and missed the kept counts' folding jobs, added later: a
#: fresh build's 1.75 million unfolded rows of counts by state made "all open" 107 ms on SQLite.
UPKEEP_APP = "putright.performance"
UPKEEP_ALSO = ("triage_backfill",)


def run_worker_once() -> float:
    """What PutRight's worker does for speed in its first minute: the database's statistics, the
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

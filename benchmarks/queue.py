"""How fast the staff queue and the case page are at scale.

    .venv/bin/python benchmarks/queue.py [--cases 1000000] [--runs 30] [--keep DIR] [--reuse] [--explain] [--matrix]

Builds a database of N cases received over the last 10 years with a realistic mix (about 65%
complaints, 30% service requests, 5% compliments; most closed, about 5% open, of which some are
overdue, some extended, some at stage 2), then signs in a handler with Django's test client
(in-process) and times GET requests to the queue and the case page: the median and 95th
percentile over R runs, the SQL queries each page makes (and the slowest of them), and the
process's peak memory.

The database is SQLite in DIR (a new temporary directory unless --keep) unless DATABASE_URL is
set, for example to a throwaway PostgreSQL server:

    scripts/postgres start /tmp/pg 55432 shared_buffers=4GB
    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench .venv/bin/python benchmarks/queue.py
    scripts/postgres stop /tmp/pg

(shared_buffers as docs/deploying.md asks of a landlord's server: with the default 128 MB the
pages also time how soon the machine drops idle files from its cache.)

How the database is built, fast: the cases are written as CSV in the interchange format, in
chunks of --chunk rows, and each chunk goes through `putright import cases` (the bulk import, in
its own process, while the next chunk is generated). The import has no closing, handlers or
residents, so afterwards a few set-based UPDATEs close the finished cases (with a "closed"
timeline event each), allocate handlers and attach residents to 20% of cases. One complaint is
then driven through the service path (acknowledged, extended, 40 pieces of correspondence,
remedies, actions and updates): it is the case with the most events, and the case page timed.

--reuse times an already built database (DIR/bench.sqlite3, or DATABASE_URL) without building.
--explain prints the plan of every query slower than 2 ms.
--matrix times every filter of the queue crossed with every sort, both ways, on page 1 and the
middle page (5 runs each unless --runs), instead of the chosen pages, and prints them slowest
first with how many are over 10 ms and over 20 ms (queuebench/matrix.py); --matrix-only TEXT
times the filters whose label has TEXT in it; with --explain, the plan of each page's slowest
query where the page took over 10 ms. Before timing, PutRight's worker runs
once (`putright worker --once`: statistics, the reports' monthly counts), as it would beside a
server; --no-worker times the database as the build or upgrade left it.
The parts live in benchmarks/queuebench/ (generating the cases, building the database, the pages
timed, timing and SQL accounting, printing); this file is the command, and keeps their names for
the scripts that load it by path (benchmarks/report.py, helpdesk.py, helpdesk_side.py).
Not part of the test suite.
"""

from __future__ import annotations

import sys

# This file is named like the standard library's queue module, which Django's dependencies import:
# take its folder off the path before anything else is imported.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0]) and not p.endswith("/benchmarks")]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load_parts():
    """benchmarks/queuebench, by its path: benchmarks/ stays off sys.path (see above)."""
    if "queuebench" not in sys.modules:
        folder = Path(__file__).resolve().parent / "queuebench"
        spec = importlib.util.spec_from_file_location("queuebench", folder / "__init__.py", submodule_search_locations=[str(folder)])
        package = importlib.util.module_from_spec(spec)
        sys.modules["queuebench"] = package
        spec.loader.exec_module(package)


_load_parts()

# The parts' names, as this module had them (report.py, helpdesk.py and helpdesk_side.py use them).
from queuebench.build import build, finish_database, putright_command, rich_case  # noqa: E402,F401
from queuebench.generate import CHANNELS, DECISIONS, HANDLERS, REASONS, SERVICE_AREAS, THEMES, YEARS, Generator, write_chunk  # noqa: E402,F401
from queuebench.pages import time_pages  # noqa: E402
from queuebench.printing import print_results  # noqa: E402
from queuebench.timing import SqlClock, explain, load_average, machine_speed, p95, run_worker_once  # noqa: E402,F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, help="timed runs a page (30; 5 with --matrix)")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (the SQLite file and nothing else)")
    parser.add_argument("--reuse", action="store_true", help="time the database already built (in DIR, or DATABASE_URL)")
    parser.add_argument("--chunk", type=int, default=100_000, help="rows per imported file")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--explain", action="store_true", help="print the plan of each query slower than 2 ms")
    parser.add_argument("--no-worker", action="store_true",
                        help="time the pages without first running `putright worker --once` (statistics, report counts)")
    parser.add_argument("--matrix", action="store_true", help="every filter x every sort, both ways, page 1 and the middle page")
    parser.add_argument("--matrix-only", metavar="TEXT", help="with --matrix: only the filters whose label has TEXT in it")
    args = parser.parse_args()
    args.runs = args.runs or (5 if args.matrix else 30)

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
        timings, import_peak = {}, None
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
            timings["the worker's upkeep jobs (statistics, index rebuilds, tallies, kept counts, triage)"] = run_worker_once()
        print(f"timing {args.runs} runs per page (load average {load_average()}; {machine_speed()})", flush=True)
        if args.matrix:
            from queuebench.matrix import print_matrix, time_matrix

            print_matrix(connection.vendor, counts, time_matrix(args.runs, args.explain, args.matrix_only), args.runs)
            return
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = time_pages(args.runs, args.explain)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print_results(connection.vendor, counts, timings, import_peak, results, rss, rss_before, args.runs)
    finally:
        connection.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()


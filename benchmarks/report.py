"""How fast the annual report's figures are at scale.

    .venv/bin/python benchmarks/report.py [--cases 1000000] [--year Y] [--runs 20] [--work DIR] [--rebuild]

Times `putright.reports.queries.annual_figures(year)` (everything `putright report annual
--format json` prints) over a database of N cases received over the last 10 years: the first
(cold) run, then the median and 95th percentile of --runs more, the number of SQL queries and the
slowest of them. Also times one quarter. The year defaults to the last complete reporting year.

Always on SQLite (DIR/bench.sqlite3); also on PostgreSQL when DATABASE_URL is set, e.g. a
throwaway server:

    scripts/postgres start /tmp/pg 55432 shared_buffers=4GB
    psql -h 127.0.0.1 -p 55432 -U postgres -c 'CREATE DATABASE bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench .venv/bin/python benchmarks/report.py
    scripts/postgres stop /tmp/pg

The database is built once per backend and reused by later runs (--rebuild to start again) with
the generator of benchmarks/queue.py: CSV in the interchange format, imported in chunks through
`putright import cases` (the bulk path), then closed, allocated and given residents. DIR defaults
to /tmp/putright-report-bench. Targets (issue 19): a year's figures under 100 ms, a quarter's under
40 ms, the annual report page under 250 ms, on both databases at 1,000,000 cases. Before timing,
PutRight's worker runs once, as it would beside a server (statistics, the monthly counts): no
manual ANALYZE. Not part of the test suite.
"""

from __future__ import annotations

import sys

# Run as `python benchmarks/report.py`, this folder comes first on the path, and its queue.py
# would hide the standard library's queue module: take the folder off before importing anything.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0]) and not p.endswith("/benchmarks")]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_WORK = Path("/tmp/putright-report-bench")


def load_queue_benchmark():
    """benchmarks/queue.py, under another name (its own name would shadow the standard library)."""
    spec = importlib.util.spec_from_file_location("putright_bench_queue", ROOT / "benchmarks" / "queue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def backend_label(url: str) -> str:
    return "PostgreSQL" if url.startswith(("postgres://", "postgresql://")) else "SQLite"


# --- in the child process: one backend ----------------------------------------------------------


def ensure_database(n: int, work: Path, rebuild: bool, chunk: int) -> None:
    from django.db import connection

    from putright.cases.models import Case

    existing = 0
    if not rebuild:
        try:
            existing = Case.objects.count()
        except Exception:  # no tables yet
            connection.close()
            existing = 0
    if existing and existing < n:
        sys.exit(f"the {backend_label(os.environ['DATABASE_URL'])} database holds {existing:,} cases, not {n:,}: use --rebuild or another --work/DATABASE_URL")
    if not existing:
        if rebuild and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        print(f"  building {n:,} cases (benchmarks/queue.py's generator and the bulk import)...", flush=True)
        t0 = time.perf_counter()
        load_queue_benchmark().build(n, work, chunk, 2025)
        print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)  # an older build: the new indexes and tables
    print(f"  migrate: {time.perf_counter() - t0:.1f} s (load {load_average()})", flush=True)
    # No manual ANALYZE or VACUUM: the import keeps the statistics, and PutRight's worker does the
    # rest (statistics of tables that changed, the reports' monthly counts), as beside a server.
    queue = load_queue_benchmark()
    print(f"  the worker's upkeep jobs (statistics, index rebuilds, tallies, kept counts, triage): {queue.run_worker_once():.1f} s (load {load_average()})", flush=True)


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def measure(year: int | None, runs: int) -> dict:
    import resource

    from django.db import connection
    from django.utils import timezone

    from putright.cases.models import Case, Stage
    from putright.reports import periods
    from putright.reports.queries import annual_figures, quarter_figures
    from putright.reports.render import annual_html

    if year is None:
        year = periods.last_complete_year(timezone.localdate())
    t0 = time.perf_counter()
    figures = annual_figures(year)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        annual_figures(year)
        times.append(time.perf_counter() - t0)
    load_year = load_average()
    with load_queue_benchmark().SqlClock(connection) as clock:  # to the last row fetched
        annual_figures(year)
    slowest = sorted(clock.queries, key=lambda q: q["seconds"], reverse=True)[:5]
    quarter = []
    for _ in range(max(5, runs // 2)):
        t0 = time.perf_counter()
        quarter_figures(year, 4)
        quarter.append(time.perf_counter() - t0)
    load_quarter = load_average()
    # The whole annual report page as the board reads it (HTML: figures, charts, narrative).
    annual_html(year)
    page = []
    for _ in range(max(5, runs // 2)):
        t0 = time.perf_counter()
        annual_html(year)
        page.append(time.perf_counter() - t0)
    return {
        "load_year": load_year, "load_quarter": load_quarter, "load_page": load_average(),
        "sql_seconds": clock.total, "page_median": statistics.median(page), "page_p95": p95(page),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "backend": connection.vendor,
        "cases": Case.objects.count(),
        "stages": Stage.objects.count(),
        "year": year,
        "label": periods.year_label(year),
        "cold": cold,
        "times": times,
        "median": statistics.median(times),
        "p95": p95(times),
        "quarter_median": statistics.median(quarter),
        "queries": len(clock.queries),
        "slowest": [{"seconds": q["seconds"], "sql": q["sql"][:300]} for q in slowest],
        "headline": {
            "stage1.received": figures["stage1"]["received"],
            "stage1.responded": figures["stage1"]["responded"],
            "stage1.within_timescale_percent": figures["stage1"]["within_timescale_percent"],
            "stage1.within_timescale_without_extensions_percent": figures["stage1"]["within_timescale_without_extensions_percent"],
            "stage2.received": figures["stage2"]["received"],
            "stage2.responded": figures["stage2"]["responded"],
            "refused.total": figures["refused"]["total"],
            "json_bytes": len(json.dumps(figures, indent=2)),
        },
    }


def child(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    import django

    django.setup()
    ensure_database(args.cases, args.work, args.rebuild, args.chunk)
    print("RESULT " + json.dumps(measure(args.year, args.runs)), flush=True)


# --- in the parent: each backend in its own process ---------------------------------------------


def run_backend(url: str, args, work: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, PUTRIGHT_VAR_DIR=str(work))
    env.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")  # production settings, not the demo
    env.setdefault("PUTRIGHT_LOG_LEVEL", "WARNING")
    command = [sys.executable, __file__, "--child", "--cases", str(args.cases), "--runs", str(args.runs),
               "--work", str(work), "--chunk", str(args.chunk)]
    if args.year is not None:
        command += ["--year", str(args.year)]
    if args.rebuild:
        command.append("--rebuild")
    print(f"{backend_label(url)}:", flush=True)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    result = None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print(line, end="", flush=True)
    if process.wait() or result is None:
        sys.exit(f"the {backend_label(url)} run failed")
    return result


def report(result: dict) -> None:
    print(f"  {result['cases']:,} cases, {result['stages']:,} stages; annual figures for {result['label']} "
          f"({result['queries']} queries, {result['headline']['json_bytes']:,} bytes of JSON)")
    print(f"  a year's figures: first run {result['cold'] * 1000:.0f} ms; median {result['median'] * 1000:.1f} ms, "
          f"p95 {result['p95'] * 1000:.1f} ms over {len(result['times'])} runs (load {result['load_year']}); "
          f"SQL to the last row {result['sql_seconds'] * 1000:.1f} ms")
    print(f"  one quarter's figures: median {result['quarter_median'] * 1000:.1f} ms (load {result['load_quarter']})")
    print(f"  the annual report page (HTML): median {result['page_median'] * 1000:.1f} ms, p95 {result['page_p95'] * 1000:.1f} ms "
          f"(load {result['load_page']}); peak RSS {result['peak_rss_mb']:.0f} MB")
    print("  headline: " + ", ".join(f"{k} {v}" for k, v in result["headline"].items() if k != "json_bytes"))
    print("  slowest queries:")
    for q in result["slowest"]:
        print(f"    {q['seconds'] * 1000:6.0f} ms  {q['sql'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the database (default 1,000,000)")
    parser.add_argument("--year", type=int, help="the reporting year to time (default: the last complete one)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs after the first (default 20)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"where the SQLite database and CSV chunks go (default {DEFAULT_WORK})")
    parser.add_argument("--chunk", type=int, default=100_000, help="rows per imported CSV file (default 100,000)")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again even if they exist")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cases < 1 or args.runs < 1:
        parser.error("--cases and --runs must be 1 or more")
    if args.child:
        child(args)
        return

    targets = []
    sqlite_dir = args.work / f"sqlite-{args.cases}"
    sqlite_dir.mkdir(parents=True, exist_ok=True)
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_dir / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    targets.append((f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", sqlite_dir))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        pg_dir = args.work / f"postgres-{args.cases}"
        pg_dir.mkdir(parents=True, exist_ok=True)
        targets.append((url, pg_dir))
    results = [run_backend(u, args, d) for u, d in targets]
    print()
    for url, result in zip((u for u, _ in targets), results):
        print(f"{backend_label(url)}:")
        report(result)
    if len(targets) == 1:
        print("(PostgreSQL not timed: set DATABASE_URL to a postgres:// database to time it too)")


if __name__ == "__main__":
    main()

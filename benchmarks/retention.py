"""How fast retention catches up on years of history, and how quick the retention page is.

    .venv/bin/python benchmarks/retention.py --keep DIR [--seconds 120] [--runs 15] [--before CODE]
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/retention.py [--seconds 120] ...

On an already built database (benchmarks/queue.py --keep DIR builds one: SQLite DIR/bench.sqlite3,
or DATABASE_URL), with the retention schedule's defaults:

1. **Anonymising.** Starts `run_once(apply=True)` (what the worker's nightly job runs) in a child
   process, lets it work for --seconds, then kills it (SIGKILL: retention must be safe to kill at
   any moment), and prints how many cases it anonymised, per second, and the child's peak memory
   (VmHWM, its resident set at its largest). Then checks that nothing was left half-done: every
   case with an anonymisation record has its mark (`anonymised_on`) and no case has one without.
   With --before CODE (a folder holding another version's `putright` package, e.g. from
   `git archive OLD putright | tar -x -C CODE`) the same is run first with that code, side by
   side, and the ratio printed.
2. **The retention page** (/privacy/retention/, what is due and held), in-process with Django's
   test client as a complaints manager (`bench-manager`, made if missing): median of --runs.

It changes the database: the cases it anonymises stay anonymised (use a copy). Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not this folder: benchmarks/queue.py would shadow the standard library's queue.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

CHILD = (
    "import django, putright; django.setup()\n"
    "print('code:', putright.__file__, flush=True)\n"
    "from putright.privacy.retention import run_once\n"
    "print(run_once(apply=True, run_by='benchmarks/retention.py'), flush=True)\n"
)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def anonymised_count() -> int:
    from putright.privacy.models import AnonymisedCase

    return AnonymisedCase.objects.count()


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def anonymise_for(seconds: float, code: Path) -> dict:
    """Run retention in a child process with `code` first on its path for `seconds`, then kill it."""
    from django.db import connection

    before = anonymised_count()
    connection.close()
    env = dict(os.environ, PYTHONPATH=f"{code}:{ROOT}")
    started = time.perf_counter()
    log = tempfile.TemporaryFile("w+")  # not a pipe: a child that logs a lot would block on a full one
    # Started in `code`: `python -c` puts its working folder first on the path.
    child = subprocess.Popen([sys.executable, "-c", CHILD], env=env, cwd=code, stdout=log, stderr=subprocess.STDOUT, text=True)
    peak, first_at, deadline = 0.0, None, started + seconds
    while time.perf_counter() < deadline and child.poll() is None:
        time.sleep(1.0)
        peak = max(peak, peak_rss_mb(child.pid))
        if first_at is None and anonymised_count() > before:
            first_at = time.perf_counter() - started
        connection.close()
    finished = child.poll() is not None
    if not finished:
        peak = max(peak, peak_rss_mb(child.pid))
        child.send_signal(signal.SIGKILL)
    child.wait()
    elapsed = time.perf_counter() - started
    log.seek(0)
    out = log.read()
    if child.returncode not in (0, -signal.SIGKILL):
        sys.exit(f"retention failed:\n{out[-3000:]}")
    done = anonymised_count() - before
    return {
        "anonymised": done, "seconds": elapsed, "per second": done / elapsed, "peak MB": peak,
        "first after s": first_at, "finished": finished, "result": out.strip()[-300:], "code": out.split("\n", 1)[0],
    }


def check_nothing_half_done() -> str:
    from putright.cases.models import Case
    from putright.privacy.models import AnonymisedCase

    recorded = AnonymisedCase.objects.count()
    marked = Case.objects.filter(anonymised_on__isnull=False).count()
    unmarked = AnonymisedCase.objects.filter(case__anonymised_on__isnull=True).count()
    return f"{recorded:,} anonymisation records, {marked:,} cases marked, {unmarked:,} recorded but not marked"


def time_page(runs: int) -> tuple[float, float, int, str]:
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from putright.accounts.models import Role, User
    from putright.twofactor import testing

    testing.install()  # force_login signs in with both factors, as a manager must
    me, _ = User.objects.get_or_create(username="bench-manager", defaults={"role": Role.MANAGER})
    client = Client()
    client.force_login(me)
    client.get("/privacy/retention/")  # one-off work after signing in: not counted
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get("/privacy/retention/")
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    shown = "; ".join(re.findall(r"(?:Due now|Held): [^<]*", response.content.decode()))
    return statistics.median(times), max(times), len(queries), shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="the SQLite database DIR/bench.sqlite3 (unless DATABASE_URL is set)")
    parser.add_argument("--seconds", type=float, default=120, help="how long each retention run works before it is killed")
    parser.add_argument("--runs", type=int, default=15, help="timings of the retention page")
    parser.add_argument("--before", metavar="CODE", help="also run another version's putright package (in CODE) first")
    parser.add_argument("--no-anonymise", action="store_true", help="only time the page")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        if not args.keep:
            sys.exit("give --keep DIR (a database built by benchmarks/queue.py --keep DIR) or DATABASE_URL")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.keep) / 'bench.sqlite3'}"
        os.environ.setdefault("PUTRIGHT_VAR_DIR", str(args.keep))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")
    os.environ.setdefault("PUTRIGHT_SSL_REDIRECT", "0")
    os.environ.setdefault("PUTRIGHT_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    import django

    django.setup()
    from django.db import connection

    from putright.cases.models import Case

    print(f"{connection.vendor}: {Case.objects.count():,} cases, {anonymised_count():,} anonymised already; load {load_average()}", flush=True)
    results = {}
    if not args.no_anonymise:
        versions = ([("before", Path(args.before).resolve())] if args.before else []) + [("this", ROOT)]
        for name, code in versions:
            print(f"anonymising for {args.seconds:.0f} s with {name} code ({code}); load {load_average()}", flush=True)
            results[name] = r = anonymise_for(args.seconds, code)
            first = "none" if r["first after s"] is None else f"{r['first after s']:.0f} s"
            print(
                f"  {name}: {r['anonymised']:,} cases in {r['seconds']:.0f} s = {r['per second']:.1f} a second; "
                f"peak memory {r['peak MB']:.0f} MB; first anonymised after {first}; "
                f"{'finished' if r['finished'] else 'killed'}; load {load_average()}", flush=True,
            )
            print(f"  ({r['code']})")
            print(f"  nothing half-done: {check_nothing_half_done()}", flush=True)
        if "before" in results and results["before"]["per second"]:
            print(f"  ratio this / before: {results['this']['per second'] / results['before']['per second']:.1f}x cases a second")
    median, worst, queries, shown = time_page(args.runs)
    print(f"retention page: median {median:.1f} ms, slowest {worst:.1f} ms, {queries} queries ({shown}); load {load_average()}")


if __name__ == "__main__":
    main()

"""How fast `putright import cases` is: generate a realistic file, import it into a fresh SQLite
database three times, print the median wall time, rows per second and peak memory.

    .venv/bin/python benchmarks/import_cases.py [--rows 100000] [--repeat 3] [--keep DIR]

With DATABASE_URL set to a PostgreSQL server (postgres://user@host:port/anything), each run
imports into a new database on it instead, `putright_import_run1`, 2, … (made again each time):
a landlord's first import, into an empty database.

The file mixes about 60% complaints (at every stage, some acknowledged or answered late, some
extended, refused or withdrawn), 30% service requests and 10% compliments, over 12 service areas
and 20 themes, received over three years. Each run is a separate process
(`putright migrate`, then `putright import cases`) with DATABASE_URL pointing at a new file.
"""

from __future__ import annotations

import sys

# Run as `python benchmarks/import_cases.py`, this folder comes first on the path and its queue.py
# hides the standard library's queue module (which Django's thread pools import): move the folder
# to the end, after the standard library, where queuebench is still found.
_HERE = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
sys.path[:] = [p for p in sys.path if p not in ("", _HERE) and not p.endswith("/benchmarks")] + [_HERE]

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-secret")  # production settings need one (as queue.py)
import django  # noqa: E402
from django.utils import timezone  # noqa: E402

django.setup()  # the column list lives beside the models; no database is touched here

from putright.cases.interchange import COLUMNS  # noqa: E402
from putright.rules import deadlines  # noqa: E402
from putright.rules.calendar import WorkingCalendar  # noqa: E402

# The same service areas, themes and choices as the queue benchmark's cases.
from queuebench.generate import CHANNELS, DECISIONS, REASONS, SERVICE_AREAS, THEMES  # noqa: E402


def working_after(cal: WorkingCalendar, day: dt.date, lo: int, hi: int, rng: random.Random) -> dt.date:
    return cal.add_working_days(day, rng.randint(lo, hi))


def generate(path: Path, rows: int, seed: int = 2025) -> None:
    rng = random.Random(seed)
    cal = WorkingCalendar()
    first = dt.date(2022, 4, 1)
    span = 3 * 365
    latest = timezone.localdate() - dt.timedelta(days=1)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for i in range(rows):
            received = first + dt.timedelta(days=rng.randrange(span))
            roll = rng.random()
            kind = "complaint" if roll < 0.6 else "service_request" if roll < 0.9 else "compliment"
            row = {c: "" for c in COLUMNS}
            row.update(
                reference=f"LEG-{i + 1:07d}",
                kind=kind,
                received_on=received.isoformat(),
                service_area=rng.choice(SERVICE_AREAS),
                tenure=rng.choice(["lcra", "lcra", "lcra", "lcho", ""]),
                channel=rng.choice(CHANNELS),
                themes=";".join(rng.sample(THEMES, rng.randint(0, 3))),
                description=f"Resident reported a problem ({i}), with \"quotes\", commas, and a second line.\nSee notes.",
            )
            if kind != "complaint":
                if rng.random() < 0.05:
                    row["withdrawn_on"] = working_after(cal, received, 1, 10, rng).isoformat()
                writer.writerow(row)
                continue
            # Complaints: how far did it get?
            reach = rng.random()
            if reach < 0.05:
                row["refused_on"] = working_after(cal, received, 1, 5, rng).isoformat()
                row["refusal_reason"] = rng.choice(REASONS)
                writer.writerow(row)
                continue
            if reach < 0.08:  # still waiting for acknowledgement
                writer.writerow(row)
                continue
            ack = working_after(cal, received, 0, 7, rng)  # some late (after 5 working days)
            row["stage1_acknowledged_on"] = ack.isoformat()
            code = deadlines.timescales(1, received, ack, cal).respond_by.due_on
            respond_by = code
            if rng.random() < 0.12:
                # Some beyond the Code's cap of 10 working days (6.4), but only on stages answered
                # by the file: the import refuses such an extension on a stage still awaiting its
                # response (it must be extended on the case, with its reason).
                days = rng.randint(3, 14) if reach >= 0.13 else rng.randint(3, 10)
                respond_by = cal.add_working_days(code, days)
                row["stage1_extended_to"] = respond_by.isoformat()
            if reach < 0.13:
                if rng.random() < 0.5:
                    row["withdrawn_on"] = working_after(cal, ack, 0, 5, rng).isoformat()
                writer.writerow(row)
                continue
            resp = cal.add_working_days(ack, rng.randint(3, 14))
            if resp > respond_by and rng.random() < 0.5:
                resp = respond_by
            row["stage1_responded_on"] = resp.isoformat()
            row["stage1_decision"] = rng.choice(DECISIONS)
            if rng.random() < 0.25:
                row["compensation_gbp"] = f"{rng.randint(25, 1500)}.{rng.choice(['00', '50'])}"
            if reach < 0.80 or resp > latest - dt.timedelta(days=60):
                writer.writerow(row)
                continue
            req = working_after(cal, resp, 1, 20, rng)
            row["stage2_requested_on"] = req.isoformat()
            if reach < 0.83:
                row["refused_on"] = working_after(cal, req, 1, 5, rng).isoformat()
                row["refusal_reason"] = rng.choice(REASONS)
                writer.writerow(row)
                continue
            ack2 = working_after(cal, req, 1, 7, rng)
            row["stage2_acknowledged_on"] = ack2.isoformat()
            code2 = deadlines.timescales(2, req, ack2, cal).respond_by.due_on
            respond_by2 = code2
            if rng.random() < 0.15:
                # The same for stage 2's cap of 20 working days (6.15).
                days = rng.randint(5, 25) if reach >= 0.88 else rng.randint(5, 20)
                respond_by2 = cal.add_working_days(code2, days)
                row["stage2_extended_to"] = respond_by2.isoformat()
            if reach < 0.88:
                writer.writerow(row)
                continue
            resp2 = cal.add_working_days(ack2, rng.randint(10, 28))
            row["stage2_responded_on"] = resp2.isoformat()
            row["stage2_decision"] = rng.choice(DECISIONS)
            writer.writerow(row)


def putright(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("putright")
    command = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "putright", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def fresh_database(work: Path, run: int) -> str:
    """The URL of an empty database for run `run`: a new SQLite file in `work`, or with
    DATABASE_URL set to PostgreSQL a new database on that server."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        db = work / f"run{run}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg

    base, _, _ = server.rpartition("/")
    name = f"putright_import_run{run}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep the file and databases in DIR")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="putright-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / "cases.csv"
        t0 = time.perf_counter()
        generate(csv_path, args.rows)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")

        times: list[float] = []
        peak_kb = 0
        for run in range(1, args.repeat + 1):
            env = dict(os.environ, DATABASE_URL=fresh_database(work, run), PUTRIGHT_VAR_DIR=str(work))
            migrated = putright("migrate", "--no-input", "--skip-checks", env=env)
            if migrated.returncode:
                sys.exit(f"migrate failed:\n{migrated.stderr}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            done = putright("import", "cases", str(csv_path), env=env)
            seconds = time.perf_counter() - t0
            # ru_maxrss of children is the largest of any child so far (KiB on Linux): the import
            # uses far more than migrate, so after the first run this is the import's peak.
            peak_kb = max(peak_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
            if done.returncode:
                sys.exit(f"import failed:\n{done.stderr[-3000:]}\n{done.stdout}")
            times.append(seconds)
            print(f"run {run}: {seconds:.2f} s")
            if run == 1:
                print("  " + "\n  ".join(done.stdout.strip().splitlines()))
        median = statistics.median(times)
        print(f"rows: {args.rows:,}")
        print(f"median wall time: {median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        print(f"rows per second: {args.rows / median:,.0f}")
        print(f"peak RSS of the import process: {peak_kb / 1024:.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

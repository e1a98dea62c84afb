"""How fast retention is: import an old history (every case ended and past its period), list what
is due, then anonymise each case; print the listing time and the median time per case.

    .venv/bin/python benchmarks/retention.py [--cases 2000]

Runs on a new SQLite file in a temporary folder (or on DATABASE_URL if set: use an empty database).
Each case is anonymised in its own transaction, as `putright retention --apply` does.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not this folder: benchmarks/queue.py would shadow the standard library's queue.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
folder = tempfile.mkdtemp(prefix="putright-retention-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from putright.cases import actions  # noqa: E402
from putright.cases.interchange import COLUMNS  # noqa: E402
from putright.privacy.anonymise import anonymise_case  # noqa: E402
from putright.privacy.models import Why  # noqa: E402
from putright.privacy.retention import due  # noqa: E402


def history(n: int) -> bytes:
    rng = random.Random(15)
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for i in range(n):
        received = dt.date(2015, 1, 5) + dt.timedelta(days=rng.randrange(0, 1500))
        kind = "complaint" if i % 3 else "service_request"
        writer.writerow({
            "reference": f"OLD-{i}", "kind": kind, "received_on": received.isoformat(), "themes": "Repairs;Delay",
            "description": f"Mrs Example{i} of {i} Quay Street says the damp is back.",
            "withdrawn_on": (received + dt.timedelta(days=3)).isoformat(),
        })
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    actions.import_history(io.BytesIO(history(args.cases)), name="bench.csv")

    started = time.perf_counter()
    due_now, held = due()
    listing = time.perf_counter() - started
    print(f"cases: {args.cases}; due: {len(due_now)}, held: {len(held)}; listing took {listing:.2f} s")

    timings = []
    for item in due_now:
        started = time.perf_counter()
        anonymise_case(item.case, why=Why.RETENTION)
        timings.append(time.perf_counter() - started)
    print(f"anonymise one case: median {statistics.median(timings) * 1000:.1f} ms, "
          f"total {sum(timings):.1f} s ({len(timings) / sum(timings):.0f} cases a second)")


if __name__ == "__main__":
    main()

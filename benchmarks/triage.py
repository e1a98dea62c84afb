"""How well and how fast triage notices complaints, against the held-out labelled set.

    .venv/bin/python benchmarks/triage.py [--set heldout|train|dev|dev2] [--runs 20] [--errors]

Prints, for the chosen part of putright/triage/data/ (held-out by default):
- complaint recall and precision, kind accuracy and theme accuracy for triage;
- the same for the keyword baseline (a complaint if the text says "complain", "unhappy" or
  "dissatisfied"; it has no theme);
- the confusion matrix of kinds (rows: labelled, columns: suggested);
- the median, 95th percentile and slowest time for one suggestion over the whole set, R runs, as
  wall-clock time and as the process's CPU time (on a shared machine the CPU time is what the
  code costs; wall-clock adds waiting for a core), and the time for one 20,000-character message.

scripts/train_triage.py prints the word model's cross-validated figures on the building parts.
--errors lists every message whose kind or theme triage got wrong.
Not part of the test suite (putright/triage/tests/test_heldout.py asserts the targets).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# benchmarks/queue.py would shadow the standard library's queue module: keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", str(Path(__file__).resolve().parent)) and not p.endswith("/benchmarks")]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from putright.triage import KINDS, model, suggest
from putright.triage.evaluate import (
    Figures,
    keyword_kind,
    load,
    measure,
    measure_triage,
)


def show(name: str, f: Figures) -> None:
    theme = f"{f.theme_accuracy:.3f}" if f.theme_accuracy is not None else "  —  "
    print(f"{name:<22} {f.recall:>7.3f} {f.precision:>9.3f} {f.kind_accuracy:>9.3f} {theme:>7}")


def confusion(f: Figures, title: str) -> None:
    print(f"\n{title}")
    print("labelled / suggested".ljust(22) + "".join(f"{k:>17}" for k in KINDS))
    for a in KINDS:
        print(f"{a:<22}" + "".join(f"{f.confusion[a][b]:>17}" for b in KINDS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="heldout", choices=["heldout", "train", "dev", "dev2"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()

    rows = load(args.set)
    complaints = sum(r["kind"] == "complaint" for r in rows)
    print(f"{args.set}: {len(rows)} messages, {complaints} labelled complaints (cpus: {os.cpu_count()})\n")
    print(f"{'method':<22} {'recall':>7} {'precision':>9} {'kind acc':>9} {'theme':>7}   (recall and precision for complaints)")
    triage = measure_triage(rows)
    show("triage", triage)
    baseline = measure(rows, kind_of=keyword_kind)
    show("keyword baseline", baseline)
    confusion(triage, "triage")
    confusion(baseline, "keyword baseline")

    suggest("load the word model")  # once per process, not per suggestion
    for label, clock in (("wall-clock", time.perf_counter), ("CPU time", time.process_time)):
        timings = []
        for _ in range(args.runs):
            for row in rows:
                start = clock()
                suggest(row["text"])
                timings.append((clock() - start) * 1000)
        timings.sort()
        long_text = " ".join(r["text"] for r in load("train"))[:20_000]
        longs = []
        for _ in range(5):
            model._vector.cache_clear()  # time the whole reading, not a cached one
            start = clock()
            suggest(long_text)
            longs.append((clock() - start) * 1000)
        print(f"\none suggestion, {label}: median {statistics.median(timings):.2f} ms, 95th percentile {timings[int(len(timings) * 0.95)]:.2f} ms, "
              f"slowest {timings[-1]:.2f} ms ({len(timings)} suggestions); a 20,000-character message: median {statistics.median(longs):.1f} ms")

    if args.errors:
        print()
        for row in rows:
            s = suggest(row["text"])
            if s.kind != row["kind"] or s.theme != row["theme"]:
                print(f"{row['id']} {row['kind']}/{row['theme']} -> {s.kind}/{s.theme} {list(s.why)}: {row['text'][:120]}")


if __name__ == "__main__":
    main()

"""The benchmark's report: what the database holds, how long building it took, and a table of
every page timed, the load average beside each row."""

from __future__ import annotations


def print_results(vendor: str, counts: dict, timings: dict[str, float], import_peak: float | None,
                  results: list[dict], rss: float, rss_before: float, runs: int) -> None:
    print()
    print(f"database: {vendor}, {counts['cases']:,} cases ({counts['open']:,} open), {counts['events']:,} timeline events")
    for step, seconds in timings.items():
        print(f"  {step:<52} {seconds:8.1f} s")
    if import_peak is not None:
        print(f"  peak RSS of an import process            {import_peak:8.0f} MB")
    print()
    print("SQL ms: the database's time for the page's queries, to the last row fetched, pipelines' waits included (median of 3,\n"
          "the page's 2nd to 4th request); warm: the same after the timed runs, on the same connection (PostgreSQL plans a\n"
          "prepared statement for its values on its first five executions, then keeps one plan); load: 1-minute load average")
    print("Beside the SQL ms, from the same run: py, this process's CPU in those calls (Python and its socket calls); db, the\n"
          "PostgreSQL server's CPU for the page; queued, both waiting for a CPU in them (the machine's load). They overlap; '-': not known")
    print("first: the median of a first visit, the page's queries built afresh (putright.cases.views.queue_kept), timed in\n"
          "turn with the repeat visits of median ms and p95")
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'first':>6} {'queries':>8} {'SQL ms':>8} {'warm':>5} {'py':>5} {'db':>5} {'queued':>6} {'slowest':>8} {'KB':>6} {'load':>5}")
    for r in results:
        print(f"{r['page']:<40} {r['median']:>10.1f} {r['p95']:>8.1f} {r['first']:>6.1f} {r['queries']:>8} {r['sql']:>8.1f} {r['sql_warm']:>5.1f} {_ms(r.get('client_cpu')):>5} "
              f"{_ms(r.get('server_cpu')):>5} {_ms(_sum(r.get('client_queued'), r.get('server_queued'))):>6} {r['slowest']:>8.1f} "
              f"{r['bytes'] / 1024:>6.0f} {r['load']:>5}")
    print(f"\npeak RSS of this process: {rss:.0f} MB ({rss_before:.0f} MB before timing; {runs} runs per page)")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _sum(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None

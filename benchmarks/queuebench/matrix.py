"""Every filter of the queue crossed with every sort, both ways, on the first page and the middle
one (`benchmarks/queue.py --matrix`): the issue's goal is "any filter, any sort, search included",
and the pages in `pages.py` are 19 chosen ones.

Each page is asked once to warm it, once with the database's time to the last row measured
(SqlClock), then timed `runs` times as a repeat visit and `runs` as a first one, in turn
(timing.timed_visits: the queue keeps what it builds for a filter); the table is printed slowest first, with how many pages are
over 10 ms and over 20 ms and the load average at the start and the end. On PostgreSQL a
statement PutRight leaves to the server is planned for its values on its first five executions
and may then keep another plan: `--runs 12` times that plan too (decision 0021).
"""

from __future__ import annotations

import statistics
from urllib.parse import urlencode

from .pages import next_link
from .timing import SqlClock, explain, load_average, p95, timed_visits

#: The goals of issue 19 a page is held to: 10 ms (any filter, any sort), 20 ms ("including closed").
LIMITS = (10.0, 20.0)


def filters(me) -> list[tuple[str, dict]]:
    """(label, query parameters) of each filter timed: the queue's every filter once, with the
    choices that make it narrowest and widest where they differ (a theme alone, and with a stage)."""
    from putright.accounts.models import User
    from putright.cases.models import ServiceArea, Theme
    from putright.residents.models import Resident

    theme = Theme.objects.order_by("pk").first()
    area = ServiceArea.objects.order_by("pk").first()
    other = User.objects.filter(role=me.role, is_active=True).exclude(pk=me.pk).order_by("pk").first()
    someone = Resident.objects.order_by("pk")[Resident.objects.count() // 2]
    postcode = someone.postcode.lower().replace(" ", "")
    return [
        ("all open", {}),
        ("kind: complaint", {"kind": "complaint"}),
        ("stage 1", {"stage": "1"}),
        ("stage 2", {"stage": "2"}),
        ("state: stage 1 acknowledged", {"state": "stage1_acknowledged"}),
        # A state none of whose cases has a deadline: by deadline, in the order received (a third
        # of the open cases; read the state's every case and sorted before migration 0031).
        ("state: open (no deadlines)", {"state": "open"}),
        ("mine + state: stage 1 responded", {"cases": "mine", "state": "stage1_responded"}),
        (f"service area: {area.name}", {"service_area": area.pk}),
        (f"theme: {theme.name}", {"theme": theme.pk}),
        ("theme + stage 2", {"theme": theme.pk, "stage": "2"}),
        (f"handler: {other.username}", {"handler": other.pk}),
        ("mine", {"cases": "mine"}),
        ("due: overdue", {"due": "overdue"}),
        ("due: today", {"due": "today"}),
        ("due: soon", {"due": "soon"}),
        ("due: extended", {"due": "extended"}),
        ("any state incl. closed", {"state": "all"}),
        # "Including closed" (or a closed state) with another filter: sampled statistics on SQLite
        # once sent these to the reports' index of every case (0.5-5 s a page).
        ("incl. closed + kind: complaint", {"state": "all", "kind": "complaint"}),
        ("incl. closed + stage 1", {"state": "all", "stage": "1"}),
        (f"incl. closed + service area: {area.name}", {"state": "all", "service_area": area.pk}),
        ("incl. closed + mine", {"state": "all", "cases": "mine"}),
        (f"incl. closed + theme: {theme.name}", {"state": "all", "theme": theme.pk}),
        ("state closed + kind: complaint", {"state": "closed", "kind": "complaint"}),
        # One handler's cases with closed ones: read after the handler in the sort's order.
        (f"incl. closed + handler: {other.username}", {"state": "all", "handler": other.pk}),
        ("state closed + mine", {"state": "closed", "cases": "mine"}),
        # A closed state other than "closed" (a few percent of the cases) with a theme: a closed
        # state's statements are one for every closed state (decision 0021).
        (f"state withdrawn + theme: {theme.name}", {"state": "withdrawn", "theme": theme.pk}),
        # A search looks through every case, open or closed, unless told otherwise (as typed).
        (f"search: postcode '{postcode}'", {"q": postcode}),
        # Part of a name every benchmark resident has: the most residents a search can find.
        ("search: name 'esiden'", {"q": "esiden"}),
    ]


def sorts() -> list[str]:
    from putright.cases.views.queue import SORTS

    return [f"{way}{key}" for key in SORTS for way in ("", "-")]


def page_count(me, params: dict) -> int:
    """How many pages the filter gives, as the queue counts it (the same filters, the same scope)."""
    from django.test import RequestFactory
    from django.utils import timezone

    from putright.cases.calendar import landlord_calendar
    from putright.cases.views.queue import PAGE_SIZE, QueueFilter, _scoped_data, filtered_cases

    request = RequestFactory().get("/cases/", params)
    request.user = me
    data = _scoped_data(request, QueueFilter(request.GET))
    total = filtered_cases(me, data, timezone.localdate(), landlord_calendar()).count()
    return max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)


def time_matrix(runs: int, show_plans: bool, only: str | None = None) -> dict:
    from django.db import connection
    from django.test import Client

    from putright.accounts.models import User

    me = User.objects.get(username="bench-handler")
    client = Client()
    client.force_login(me)
    client.get("/cases/")  # the first request after signing in does one-off work: not counted
    load_before = load_average()
    results = []
    for label, chosen in filters(me):
        params = {"cases": "all", **chosen}
        if only and only not in label:
            continue
        last = page_count(me, params)
        numbers = sorted({1, max(1, last // 2)})
        for sort in sorts():
            for number in numbers:
                url = "/cases/?" + urlencode({**params, "sort": sort})
                if number > 1:  # the middle page as a user reaches it: the "Next" link of the page before
                    url = next_link(client, "/cases/?" + urlencode({**params, "sort": sort, "page": number - 1}))
                client.get(url)  # warm
                with SqlClock(connection) as clock:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                times, first = timed_visits(client, url, runs)
                median = statistics.median(times)
                results.append({
                    "filter": label, "sort": sort, "page": number, "url": url, "median": median, "p95": p95(times),
                    "first": statistics.median(first),
                    "queries": len(clock.queries), "sql": clock.total * 1000, "slowest": clock.slowest["seconds"] * 1000,
                    "load": load_average(),
                })
                if show_plans and median > LIMITS[0]:
                    slow = clock.slowest
                    print(f"\n{label}, sort {sort}, page {number}: {median:.1f} ms; slowest query {slow['seconds'] * 1000:.1f} ms")
                    print(f"  {slow['sql'][:600]} {list(slow.get('params') or ())[:8]}")
                    print(explain(slow["sql"], slow.get("params")))
        print(f"  {label}: {len(numbers)} page(s) x {len(sorts())} sorts, slowest "
              f"{max(r['median'] for r in results if r['filter'] == label):.1f} ms (load {load_average()})", flush=True)
    return {"results": results, "load": (load_before, load_average())}


def print_matrix(vendor: str, counts: dict, matrix: dict, runs: int) -> None:
    results = sorted(matrix["results"], key=lambda r: -r["median"])
    print()
    print(f"database: {vendor}, {counts['cases']:,} cases ({counts['open']:,} open); {runs} runs a page; "
          f"load average {matrix['load'][0]} at the start, {matrix['load'][1]} at the end")
    print("every filter x every sort, both ways, page 1 and the middle page (reached by the page before's Next link); slowest first. "
          "SQL ms: the database's time to the last row, one run")
    print("median and p95: a repeat visit, the page's queries kept; first: a first visit's median, built afresh, timed in turn")
    print(f"{'filter':<34} {'sort':<11} {'page':>6} {'median ms':>10} {'p95 ms':>8} {'first':>6} {'queries':>8} {'SQL ms':>8} {'slowest':>8} {'load':>5}")
    for r in results:
        print(f"{r['filter']:<34} {r['sort']:<11} {r['page']:>6} {r['median']:>10.1f} {r['p95']:>8.1f} {r['first']:>6.1f} {r['queries']:>8} "
              f"{r['sql']:>8.1f} {r['slowest']:>8.1f} {r['load']:>5}")
    for visits, key in (("repeat visits", "median"), ("first visits", "first")):
        medians = [r[key] for r in results]
        over = ", ".join(f"{sum(m > limit for m in medians)} over {limit:g} ms" for limit in LIMITS)
        print(f"\n{len(results)} pages, {visits}: {over}; median of medians {statistics.median(medians):.1f} ms, slowest {max(medians):.1f} ms", end="")
    print(f"\nqueries a page {min(r['queries'] for r in results)}-{max(r['queries'] for r in results)}")

"""The pages timed: the queue with each filter, sort and search, the case page and the API, each
through Django's test client signed in as the bench handler."""

from __future__ import annotations

import statistics

from .timing import SqlClock, explain, load_average, p95, timed_visits


def next_link(client, url: str) -> str:
    """The URL a user follows from `url`'s page to the next: its "Next" link, as the page wrote it
    (a keyset link: `page=N&after=<case id>`, putright.cases.views.queue_keyset)."""
    import html
    import re

    found = re.search(r'href="([^"]*)" rel="next"', client.get(url).content.decode())
    assert found, f"no Next link on {url}"
    return "/cases/" + html.unescape(found.group(1))


def time_pages(runs: int, show_plans: bool) -> list[dict]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.cases.calendar import landlord_calendar
    from putright.cases.models import Case, CaseEvent, Theme
    from putright.cases.views.queue import PAGE_SIZE, filtered_cases

    me = User.objects.get(username="bench-handler")
    client = Client()
    client.force_login(me)
    client.get("/cases/")  # the first request after signing in does one-off work: not counted
    today, cal = timezone.localdate(), landlord_calendar()
    overdue = filtered_cases(me, {"due": "overdue"}, today, cal).count()
    middle = max(1, (overdue + PAGE_SIZE - 1) // PAGE_SIZE // 2)
    # Imported and closing events have no actor: only cases worked through the actions do.
    busiest = CaseEvent.objects.filter(actor__isnull=False).values("case").order_by().annotate(n=Count("id")).order_by("-n").first()
    busiest["n"] = CaseEvent.objects.filter(case=busiest["case"]).count()
    reference = Case.objects.get(pk=busiest["case"]).reference
    theme = Theme.objects.order_by("pk").first()
    from putright.residents.models import Resident

    someone = Resident.objects.order_by("pk")[Resident.objects.count() // 2]
    spaced = someone.phone.replace(" ", "")
    spaced = f"{spaced[:5]} {spaced[5:8]} {spaced[8:]}"  # typed with other spaces than stored
    number = reference.rsplit("-", 1)[1]
    every = Case.objects.count()
    closed_middle = max(2, (every + PAGE_SIZE - 1) // PAGE_SIZE // 2)
    pages = [
        ("overdue, page 1", "/cases/?cases=all&due=overdue"),
        # A deep page as a user reaches it, by the "Next" link of the page before; and typed.
        (f"overdue, page {middle} (Next link)", next_link(client, f"/cases/?cases=all&due=overdue&page={middle - 1}")),
        (f"overdue, page {middle} (typed)", f"/cases/?cases=all&due=overdue&page={middle}"),
        ("all open, page 1", "/cases/?cases=all"),
        (f"case page ({busiest['n']} events)", f"/cases/{reference}/"),
        ("extended, page 1", "/cases/?cases=all&due=extended"),
        ("due soon, page 1", "/cases/?cases=all&due=soon"),
        ("theme + stage 2", f"/cases/?cases=all&theme={theme.pk}&stage=2"),
        ("mine, overdue", "/cases/?mine=1&due=overdue"),
        ("any state incl. closed", "/cases/?cases=all&state=all"),
        *[(f"incl. closed, {sort}, page {closed_middle} (Next link)",
           next_link(client, f"/cases/?cases=all&state=all&sort={sort}&page={closed_middle - 1}")) for sort in ("deadline", "-state", "-received")],
        (f"incl. closed, page {closed_middle} (typed)", f"/cases/?cases=all&state=all&page={closed_middle}"),
        ("sorted by resident, all open", "/cases/?cases=all&sort=resident"),
        ("sorted by received, newest first", "/cases/?cases=all&sort=-received"),
        (f"search: reference {reference} (opens it)", f"/cases/?q={reference}"),
        (f"search: number {number}", f"/cases/?q={number}"),
        (f"search: phone '{spaced}'", f"/cases/?q={spaced.replace(' ', '+')}"),
        (f"search: postcode '{someone.postcode.lower().replace(' ', '')}'", f"/cases/?q={someone.postcode.lower().replace(' ', '')}"),
        ("search: email", f"/cases/?q={someone.email}"),
        ("search: tenancy reference", f"/cases/?q={someone.tenancy_reference}"),
        ("search: UPRN", f"/cases/?q={someone.uprn}"),
        # The benchmark's residents are all "Resident NNNNNNN": any part of their names without
        # digits is in every name, and text with digits is not looked for in names (it was this
        # row's text until session 25, so it timed no name search at all). A surname nobody has
        # is read against every name, as a rare real one is.
        ("search: part of a name 'mith'", "/cases/?q=mith"),
    ]
    # The same queue through the API (putright/api): a key with the handler's role, 25 a page.
    from putright.api.keys import create_key
    from putright.api.models import ApiKey

    # A new key each run (a --reuse run cannot read the raw key of the last one).
    _, raw = create_key(name=f"bench-api-{ApiKey.objects.count() + 1}", role="handler")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    cursor = api.get("/api/v1/cases?due=overdue").json()["next_cursor"]
    # A cursor half way through every case, as a data warehouse reading them all gets there: the
    # last case of the page before, in the list's order (no deadline last, then received, id).
    from types import SimpleNamespace

    from putright.api.cases import cursor_after

    halfway = (Case.objects.filter(next_deadline_by__isnull=True).order_by("received_on", "id")
               .values("next_deadline_by", "received_on", "pk")[max(0, every // 2 - Case.objects.filter(next_deadline_by__isnull=False).count())])
    deep = cursor_after(SimpleNamespace(**halfway))
    middle_event = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() // 2
    pages += [
        ("API: overdue, page 1", "/api/v1/cases?due=overdue"),
        ("API: overdue, next page", f"/api/v1/cases?due=overdue&cursor={cursor}"),
        ("API: all open, page 1", "/api/v1/cases"),
        ("API: every case, half way (cursor)", f"/api/v1/cases?include_closed=true&cursor={deep}"),
        ("API: case", f"/api/v1/cases/{reference}"),
        ("API: events, 100 from the middle", f"/api/v1/events?after={middle_event}"),
    ]
    results = []
    for label, url in pages:
        client_for = api if url.startswith("/api/") else client
        client_for.get(url)  # warm: the first request of a page builds its templates and caches
        sql_runs = []
        for _ in range(3):  # the database's time to the last row, three times: the median
            with SqlClock(connection, parts=True) as clock:
                response = client_for.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)  # a reference opens its case
            sql_runs.append((clock.total, clock.slowest["seconds"], len(clock.queries), clock.parts))
        if show_plans:
            print(f"\n{label}: {url}")
            for q in clock.queries:
                if q["seconds"] > 0.002:
                    print(f"  {q['seconds'] * 1000:.1f} ms: {q['sql'][:400]} {list(q['params'] or ())[:8]}")
                    print(explain(q["sql"], q["params"]))
        times, first = timed_visits(client_for, url, runs)
        response = client_for.get(url)
        sql_total, slowest, queries, parts = sorted(sql_runs, key=lambda run: run[0])[1]
        # And again after the timed runs, on the same connection: PostgreSQL plans a prepared
        # statement for its values on each of its first five executions, so the three above (the
        # page's 2nd to 4th request) include planning a kept connection does not do again.
        warm = []
        for _ in range(3):
            with SqlClock(connection) as clock:
                client_for.get(url)
            warm.append(clock.total)
        results.append({
            "page": label, "median": statistics.median(times), "p95": p95(times), "first": statistics.median(first), "queries": queries,
            "sql": sql_total * 1000, "sql_warm": statistics.median(warm) * 1000,
            "slowest": slowest * 1000, "bytes": len(response.content), "load": load_average(),
            **{part: None if seconds is None else seconds * 1000 for part, seconds in parts.items()},
        })
        print(f"  {label}: median {results[-1]['median']:.1f} ms (load {results[-1]['load']})", flush=True)
    return results

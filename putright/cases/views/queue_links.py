"""The queue's links (putright.cases.views.queue): its own query string without the page number,
the links that change one thing in it (whose cases, the sort) and the table's headings that carry
the sort links.

Each parameter is written once and the links are joined from the pieces: copying the request's
QueryDict and encoding it again for each of nine links cost 0.2 ms a page, and the template loop
over the headings 0.1 ms more (issue 19). They are the strings `QueryDict.urlencode` and the old
template loop wrote (putright/cases/tests/test_queue_page_html.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from putright.cases import search

SCOPES = [("mine", "My cases"), ("all", "All cases")]

#: The table's columns: the sort each heading links to (None: not sortable) and its label.
COLUMNS = [
    ("reference", "Case"), ("received", "Received"), ("resident", "Resident"), (None, "What"),
    ("state", "Where it is"), ("handler", "Handler"), ("deadline", "Next deadline"),
]


#: A heading the table can be sorted by: its aria-sort, link, label, the sort the link asks for
#: (the other way when sorted by it already) and the arrow when sorted by it.
SORTABLE_HEADING = (
    '\n      <th scope="col" class="govuk-table__header putright-sortable" aria-sort="{}"><a class="govuk-link '
    'govuk-link--no-visited-state" href="{}">{}<span class="govuk-visually-hidden">: sort {}</span></a>{}</th>\n      '
)
PLAIN_HEADING = '<th scope="col" class="govuk-table__header">{}</th>'
ARROWS = {"ascending": mark_safe(' <span aria-hidden="true">▲</span>'), "descending": mark_safe(' <span aria-hidden="true">▼</span>'), "none": ""}


def _headings(parts: dict, current: str) -> str:
    """The table's headings, written out here (a template loop over seven cost 0.1 ms a page):
    each sortable one links to sorting by it (again: the other way)."""
    cells = []
    for key, label in COLUMNS:
        if key is None:
            cells.append(format_html(PLAIN_HEADING, label))
            continue
        aria = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        href = "?" + _joined(parts, "sort", f"-{key}" if aria == "ascending" else key)
        cells.append(format_html(SORTABLE_HEADING, aria, href, label, "descending" if aria == "ascending" else "ascending", ARROWS[aria]))
    return mark_safe("".join(cells))


def _pair(key: str, value, encoding: str = "utf-8") -> str:
    """One parameter of a query string, written as QueryDict.urlencode writes it."""
    return urlencode({key.encode(encoding): str(value).encode(encoding)})


def _joined(parts: dict, key: str | None = None, value=None) -> str:
    """The query string of `parts` (each parameter written once), with `key` set to `value`."""
    if key is not None:
        parts = {**parts, key: _pair(key, value)}
    return "&".join(part for part in parts.values() if part)


def pages(query: str, page, positioned: bool = True) -> dict:
    """The "Previous" and "Next" links of `page` (a Page of the queue's rows, each with its `pk`):
    each the page number, and where it starts: after the last case shown, before the first
    (putright.cases.views.queue_keyset). Only the case's id: no sort value goes in a URL. The
    first page's link carries no position (its 25 entries are read from the start anyway), and
    nor does a search's (`positioned` false: its pages are read by the page number)."""
    rows = page.object_list if positioned else []
    out = {"previous_href": None, "next_href": None}
    if page.has_previous():
        number = page.previous_page_number()
        out["previous_href"] = f"?{query}&page={number}" + (f"&before={rows[0].pk}" if number > 1 and rows else "")
    if page.has_next():
        out["next_href"] = f"?{query}&page={page.next_page_number()}" + (f"&after={rows[-1].pk}" if rows else "")
    return out


def links(get, data, page=None) -> dict:
    """The page's own query string (no page number or position, "cases" set to the scope shown),
    the links that change one thing in it: whose cases, the sort (the headings), the deadline
    counts; and with `page`, its "Previous" and "Next" links (`pages`)."""
    parts = {k: "&".join(_pair(k, v, get.encoding) for v in values) for k, values in get.lists() if k not in ("page", "mine", "after", "before")}
    parts["cases"] = _pair("cases", data["cases"])
    scope_links = [
        {"value": value, "label": label, "href": "?" + _joined(parts, "cases", value), "current": value == data["cases"]}
        for value, label in SCOPES
    ]
    due_links = {due: f"?cases={data['cases']}&due={due}" for due in ("overdue", "today", "soon")}
    query = _joined(parts)
    return {"query": query, "scope_links": scope_links, "due_links": due_links, "headings": _headings(parts, data["sort"]),
            **(pages(query, page, positioned=not (data.get("q") or "").strip()) if page is not None else {})}


#: The filters a search may be narrowed by, besides "My cases" and a state.
NARROWING = ("kind", "stage", "service_area", "theme", "handler", "due")


def residents_without_cases(found_by: search.Searched | None, data: dict, text: str) -> dict:
    """What a search that lists no case says when it did find residents: how many, and (when the
    filters narrowed it) a link to the same search of every case. "No case or resident matches"
    there would send a handler to log again a resident the landlord already has."""
    if found_by is None or not found_by.residents:
        return {"residents_matched": ""}
    n = found_by.residents
    matched = (f"more than {search.MAX_RESIDENTS:,} residents" if found_by.more_residents
               else "1 resident" if n == 1 else f"{n:,} residents")
    narrowed = data.get("cases") == "mine" or data.get("state") != "all" or any(data.get(k) for k in NARROWING)
    return {"residents_matched": matched, "search_everywhere": "?" + urlencode({"q": text}) if narrowed else "",
            "none_has_a_case": "they have no case" if matched == "1 resident" else "none of them has a case"}

"""The queue's table rows, loaded as plain values and written out in Python.

A page of 25 rows through the template language (a `{% url %}`, the triage tag's include, three
date filters and a dozen `{{ }}` a row) and through model instances (a case, its resident,
handler and service area: four objects a row) cost more than the rest of the page's Python.
The HTML is the same as the template wrote; `putright/cases/tests/test_queue_table.py` holds
the two to each other.
"""

from __future__ import annotations

from html import escape
from types import SimpleNamespace
from urllib.parse import quote

from django.urls import reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from dataclasses import replace

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.expressions import RawSQL

from putright.cases.models import Case, Stage
from putright.cases.views import queue_keyset, queue_keyset_sql
from putright.performance import compiled
from putright.performance.compiled import Read
from putright.rules.due import due_status
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Kind, State
from putright.triage.staff import reads_as_dissatisfied

#: What a row shows, read with `.values()`: no model instances.
FIELDS = (
    "pk", "reference", "received_on", "kind", "state", "is_open", "next_deadline_by",
    "reads_as_complaint", "complaint_words", "description", "extended_open",
    "resident__name", "service_area__name", "handler__first_name", "handler__last_name", "handler__username",
)

# The newline after the reference's link is the one the triage tag's include ended with.
ROW = """
    <tr class="govuk-table__row">
      <td class="govuk-table__cell putright-nowrap"><a class="govuk-link" href="{link}">{reference}</a>{dissatisfied}
</td>
      <td class="govuk-table__cell putright-nowrap">{received}</td>
      <td class="govuk-table__cell">{resident}</td>
      <td class="govuk-table__cell">{kind}{area}</td>
      <td class="govuk-table__cell">{state}{extended}</td>
      <td class="govuk-table__cell">{handler}</td>
      <td class="govuk-table__cell putright-nowrap">
        {due}
      </td>
    </tr>
    """
EXTENDED = ' <strong class="govuk-tag govuk-tag--blue putright-due">Extended</strong>'
DISSATISFIED = '<br><strong class="govuk-tag govuk-tag--orange" title="Words: {}">Reads as dissatisfied</strong>'
DUE = '<span>{} {} {}</span> <strong class="govuk-tag govuk-tag--{} putright-due">{}</strong>'


def page_read(paged: QuerySet, order: list, offset: int, size: int, keyset: queue_keyset_sql.Keyset | None = None,
              *, counted: bool = False, fields: tuple = FIELDS) -> Read | None:
    """A page of the queue in one statement: the cases whose ids `paged` (the queue's ordered ids)
    gives from `offset`, `size` of them, each a namespace as `load` makes it, in `paged`'s order.
    With `keyset` (a position: putright.cases.views.queue_keyset_sql), the `size` ids after (or
    before) a case's position instead of an OFFSET, its `skip` after the position first (a typed
    page started at its month: queue_jump). None if `paged` can match nothing.

    The page's ids are the statement's own subquery, `id IN (…)` with the paging query's SQL as it
    would be sent alone (so the plan tests find it: test_plans.py): the paging still skips bare
    index entries, and the rows no longer wait for the ids to come back first. They come out
    sorted by `order`, the same terms as `paged`'s, which end in the id (or the unique
    reference) so the order is total: the page's own rows, sorted again into the same order
    (a keyset page's ids may be a few runs' pages, UNION ALL: the rows statement's LIMIT takes
    the page; before a position, in the reverse order, put back after). On PostgreSQL it goes in
    the queue's one round trip (putright.cases.views.queue_reads) and is prepared: its SQL is the
    same for a filter, a sort and a page number (the OFFSET is written into it; a keyset page's
    position is a parameter), and planning it cost the server 0.6-0.9 ms a request, more than
    running it.

    `counted` (a page read by its OFFSET): the rows carry the total of `paged` too, counted as the
    page's ids are found (`COUNT(*) OVER ()`), so the cases are looked for once, not again for the
    total; the rows come back as `PageRows`, their `total` read from the first. For a search:
    its residents' cases, looked up by a list of up to 1,000 residents, each in the resident
    index (decision 0031).

    `fields`: the columns each row's namespace has (the API's list reads its own)."""
    backwards = keyset is not None and keyset.way == queue_keyset.BEFORE
    if counted and keyset is not None:
        raise ValueError("page_read: a page counted with its rows is read by its OFFSET")
    try:
        if keyset is None:
            ids = (paged.annotate(putright_total=Window(Count("*"))) if counted else paged)[offset : offset + size]
            ids_sql, ids_params = ids.query.get_compiler(using=ids.db).as_sql()
        elif keyset.nothing:
            return None  # nothing after (before) the position
        else:
            found = queue_keyset_sql.page_ids(paged, keyset.order_keys, keyset.values, keyset.way, size, keyset.skip, **keyset.how)
            if not found:
                return None  # (the queue's query changed since the position was looked at: as nothing after it)
            ids_sql, ids_params = found
    except EmptyResultSet:
        return None
    rows = _rows_read(queue_keyset.reversed_order(order) if backwards else order, paged.db, size, counted, fields)
    names = (*fields, "complaint_raised")
    if counted:
        # The ids and their total once, as a common table expression the rows read twice (so
        # both databases make it once: PostgreSQL and SQLite materialise a CTE used twice).
        def with_total(fetched):
            found = PageRows(_namespaces(rows.convert(fetched), names))
            found.total = fetched[0][-1] if fetched else None
            return found

        return replace(rows, sql=f"WITH {_COUNTED} AS ({ids_sql}) " + rows.sql.replace(_PAGE_IDS, f'SELECT "pk" FROM {_COUNTED}'),
                       params=(*ids_params, *rows.params), convert=with_total)
    before, after = rows.sql.split(_PAGE_IDS)
    taken = before.count("%s")

    def convert(fetched):
        found = _namespaces(rows.convert(fetched), names)
        return found[::-1] if backwards else found

    return replace(rows, sql=before + ids_sql + after, params=(*rows.params[:taken], *ids_params, *rows.params[taken:]), convert=convert)


#: Where the page's ids go in the rows' SQL (`_rows_read`).
_PAGE_IDS = "SELECT putright_page_ids"
#: The page's ids with their total (`page_read`'s `counted`): the CTE's name.
_COUNTED = "putright_page"


class PageRows(list):
    """A page's rows (`_namespaces`) and the total counted with them: None if the statement had
    no row to carry it (a page past the last)."""

    total: int | None = None


def _rows_read(order: list, using: str, size: int, counted: bool = False, fields: tuple = FIELDS) -> Read:
    """The rows' statement with `_PAGE_IDS` where the page's ids go: written by the ORM once per
    process for each order (compiled.once), as it is the same for every filter and page;
    compiling it cost more than the database spent on it. `counted`: each row ends with the
    total, read from the `_COUNTED` expression (`page_read`)."""
    key = tuple(term if isinstance(term, str) else (repr(term), term.nulls_first, term.nulls_last) for term in order) + (size, counted, fields)

    def build() -> Read:
        rows = _rows(Case.objects.using(using).filter(pk__in=RawSQL(_PAGE_IDS, ())).order_by(*order))
        if counted:
            rows = rows.annotate(putright_total=RawSQL(f"SELECT MAX(putright_total) FROM {_COUNTED}", ()))
        return Read.of(rows.values_list(*fields, "complaint_raised", *(["putright_total"] if counted else []))[:size], prepare=True)

    return compiled.once(("queue rows", using, key), build)


def _rows(cases: QuerySet) -> QuerySet:
    # Whether a case is extended is marked on it (`Case.extended_open`, kept by triggers);
    # whether a complaint was raised from it is an EXISTS for the row's own id, a probe of the
    # index of complaints raised from a request.
    return cases.annotate(complaint_raised=Exists(Case.objects.filter(from_service_request_id=OuterRef("pk"))))


_NAMES = (*FIELDS, "complaint_raised")


def _namespaces(rows: list[tuple], names: tuple = _NAMES) -> list[SimpleNamespace]:
    out = []
    for row in rows:
        case = SimpleNamespace(**dict(zip(names, row)))
        case.extended = bool(case.extended_open)
        out.append(case)
    return out


def load(ids: list[int]) -> list[SimpleNamespace]:
    """The page's cases, in the order of `ids`, each a namespace of FIELDS, `extended` and
    `complaint_raised` (as the view once set them on models: test_queue_table.py): one query.

    Whether a case is extended is marked on it (`Case.extended_open`, kept by triggers);
    whether a complaint was raised from it is an EXISTS for the row's own id, a probe of the index
    of complaints raised from a request. Only for the page's 25 rows, never in the query that
    pages through the queue (test_plans.py)."""
    if not ids:
        return []
    rows = _rows(Case.objects.filter(pk__in=ids).order_by())
    found = {row["pk"]: SimpleNamespace(**row, extended=bool(row["extended_open"])) for row in rows.values(*FIELDS, "complaint_raised")}
    return [found[pk] for pk in ids if pk in found]


def extended_stages():
    """Stages not answered yet whose date was moved by an agreed extension (index stage_open_extended)."""
    return Stage.objects.filter(responded_on__isnull=True).exclude(respond_by=F("code_respond_by"))


def _handler(case) -> str:
    if case.handler__username is None:
        return "Not allocated"
    return f"{case.handler__first_name} {case.handler__last_name}".strip() or case.handler__username


def rows_html(cases: list, today, cal) -> SafeString:
    """The table body's rows for cases from `load`: what the template's
    `{{ }}`, `|date:"j M Y"`, `|date:"D j M"`, `|capfirst` and `{% url %}` wrote, with the same
    escaping (Django's `escape` is `html.escape`)."""
    # The date filter's month and day names, in the active language, once a page.
    months = [None, *(str(MONTHS_3[m]).title() for m in range(1, 13))]
    days = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
    # One reverse() for the page: every case's link differs only by its reference.
    marker = "REFERENCE-MARKER"
    link = reverse("cases:detail", args=[marker])
    kinds = {k.value: capfirst(KIND_LABELS[k]) for k in Kind}
    states = {s.value: capfirst(STATE_LABELS[s]) for s in State}
    out = []
    for case in cases:
        s = reads_as_dissatisfied(case, later_messages=False)
        due = ""
        if case.is_open and case.next_deadline_by:
            on = case.next_deadline_by
            status = due_status(today, on, cal)
            due = DUE.format(days[on.weekday()], on.day, months[on.month], status.colour, escape(status.words.split(" (was due")[0]))
        received = case.received_on
        out.append(ROW.format(
            link=escape(link.replace(marker, quote(case.reference, safe="!$&'()*+,;=/~:@"))),
            reference=escape(case.reference),
            dissatisfied=DISSATISFIED.format(escape(", ".join(s.kind_why))) if s else "",
            received=f"{received.day} {months[received.month]} {received.year:04d}",
            resident=escape(case.resident__name) if case.resident__name is not None else "–",
            kind=escape(kinds[case.kind]),
            area=escape(f": {case.service_area__name}") if case.service_area__name is not None else "",
            state=escape(states[case.state]),
            extended=EXTENDED if case.extended else "",
            handler=escape(_handler(case)),
            due=due or "–",
        ))
    return mark_safe("".join(out))

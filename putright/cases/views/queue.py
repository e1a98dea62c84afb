"""The queue: open cases by next deadline, filterable, sortable, searchable, 25 to a page.

A handler lands on their own cases ("My cases"), a manager or oversight on everyone's; one
control switches between the two. The search box (here and in every staff page's header) finds
cases open or closed by reference, or by the resident's name, phone, email, postcode, tenancy
reference or UPRN (putright.cases.search); a reference that names one case opens it.
"""

from django import forms
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.shortcuts import redirect, render
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases import search, worklists
from putright.cases.access import staff_view
from putright.cases.models import Case, ServiceArea, Theme
from putright.cases.views import queue_filters, queue_indexes, queue_jump, queue_keyset, queue_links, queue_reads, queue_table
from putright.cases.views import queue_kept, queue_themes
from putright.cases.views.queue_links import SCOPES
from putright.cases.views.queue_themes import THEME_SORTS, theme_rows  # noqa: F401 (its names here before)
from putright.cases.views.queue_totals import STAGE_STATES, kept_due, kept_total
from putright.hazards.queries import compiled_counts as hazard_counts_compiled
from putright.ombudsman.views import review_counts, review_querysets
from putright.performance import revisions
from putright.performance.compiled import GENERIC
from putright.performance.counting import Asked, Counts, ask, compile_counts, compiled_once
from putright.rules import lifecycle
from putright.rules.due import soon_until
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Kind, State

PAGE_SIZE = 25

DUE_CHOICES = [
    ("", "Any"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("soon", "Due within 2 working days"),
    ("extended", "Extended"),
]
#: Column keys a user may sort by, and the ordering each stands for (ascending).
SORTS = {
    "reference": ["reference"],
    "received": ["received_on", "id"],
    # The resident's name as copied onto the case, no resident last: read from an index either
    # way (performance migration 0005), where a join to the residents sorted every open case.
    "resident": [ExpressionWrapper(Q(resident_name__isnull=True), output_field=BooleanField()).asc(), "resident_name", "id"],
    # Within a state, no deadline last: written as the deadline's so an index gives the order
    # (case_open_state_order, performance migration 0015).
    "state": ["state", ExpressionWrapper(Q(next_deadline_by__isnull=True), output_field=BooleanField()).asc(), "next_deadline_by", "id"],
    # The handler's first name and username as copied onto the case, no handler last: read from an
    # index either way (performance migration 0019), where a join to the users sorted every case.
    "handler": [ExpressionWrapper(Q(handler_id__isnull=True), output_field=BooleanField()).asc(), "handler_first_name", "handler_username", "id"],
    # No deadline last, written so an index can give the order (performance migration 0001).
    "deadline": [ExpressionWrapper(Q(next_deadline_by__isnull=True), output_field=BooleanField()).asc(), "next_deadline_by", "received_on", "id"],
}
DEFAULT_SORT = "deadline"


def _descending(term):
    if isinstance(term, str):
        # Plain DESC (NULLS FIRST on PostgreSQL, as its DESC indexes are): these columns are never
        # empty, or an "is empty" term before them already puts the empty ones last.
        return F(term).desc()
    if isinstance(term.expression, ExpressionWrapper):  # "no deadline", "no resident" stay last either way
        return term
    return F(term.expression.name).desc(nulls_last=True)


def ordering(sort: str) -> list:
    """The ORDER BY for a sort key such as "received" or "-received" (unknown keys: the default)."""
    key = sort.lstrip("-")
    terms = SORTS.get(key, SORTS[DEFAULT_SORT])
    if sort.startswith("-") and key in SORTS:
        return [_descending(t) for t in terms]
    return list(terms)


def default_scope(user) -> str:
    """Handlers land on their own cases; managers, administrators and oversight on everyone's."""
    return "mine" if user.role == Role.HANDLER else "all"


class QueueFilter(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    cases = forms.ChoiceField(required=False, choices=SCOPES, label="Whose cases")
    kind = forms.ChoiceField(required=False, choices=[("", "Any")] + [(k.value, KIND_LABELS[k].capitalize()) for k in Kind])
    stage = forms.ChoiceField(required=False, choices=[("", "Any"), ("1", "Stage 1"), ("2", "Stage 2")])
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any open"), ("all", "Any, including closed")] + [(s.value, STATE_LABELS[s].capitalize()) for s in State],
    )
    # Checked against the options the process keeps, no lookup of their own (queue_filters).
    service_area = queue_filters.KeptChoiceField("service_area", required=False, queryset=ServiceArea.objects.all(), empty_label="Any")
    theme = queue_filters.KeptChoiceField("theme", required=False, queryset=Theme.objects.all(), empty_label="Any")
    handler = queue_filters.KeptChoiceField(
        "handler", required=False, queryset=User.objects.filter(is_active=True, role__in=["administrator", "manager", "handler"]).order_by("first_name", "username"),
        empty_label="Anyone",
    )
    due = forms.ChoiceField(required=False, choices=DUE_CHOICES, label="Due")


class _SharedFields(dict):
    """A form's fields, shared by every form of its class instead of deep-copied for each: the
    copy (nine fields, three querysets) cost the queue 0.3-0.4 ms a page (issue 19). Only for
    a form that never changes its fields: cleaning reads them (a ModelChoiceField asks a clone
    of its queryset), so one request's form cannot leave anything on them for the next's."""

    def __deepcopy__(self, memo):
        return dict(self)


QueueFilter.base_fields = _SharedFields(QueueFilter.base_fields)


def with_columns(cases):
    """What the queue shows of each case that a join gives: its resident, handler and service area.
    Whether it is extended is read with the page's rows (queue_table)."""
    return cases.select_related("resident", "handler", "service_area")


def filtered_cases(user, data, today, cal, *, generic: bool = False, searched: search.Searched | None = None):
    """The queue's query: only indexed columns, whatever the filters.

    Each filter of open cases is answered from a small partial index of open cases
    (case_open_deadline, and case_open_{handler,kind,state,area}_deadline) or from the few stages
    extended and not yet answered (stage_open_extended), and the total is a COUNT over the same
    index; a theme's open cases come from the index of open case themes (case_theme_open).
    Measured with benchmarks/queue.py on a million cases. `generic`: run with PostgreSQL's plan
    for any values (the queue page's, decision 0021). `searched`: the search already looked up
    (search.searched), so the page reads its residents once."""
    qs = with_columns(Case.objects.all())
    state = data.get("state")
    if state == "all":
        pass
    elif state:
        # An open state with is_open too: the indexes of open cases answer it (queue_indexes).
        # Refused or withdrawn, everyone's: written out, and read from an index of those cases
        # alone (queue_indexes.ENDED_ORDERS, EndedEarly).
        # Any other closed state: written out on PostgreSQL (queue_indexes.ClosedStateIs).
        is_open = lifecycle.is_open(State(state))
        said = (queue_indexes.EndedEarly(state) if queue_indexes.ended_early(data)
                else Q(state=state) if is_open else queue_indexes.ClosedStateIs(state))
        qs = qs.filter(said, **({"is_open": True} if is_open else {}))
        if _everyones_closed_state_by_deadline(data):
            # A closed state has no next deadline (it has none to come: lifecycle.deadline_field).
            # Said, its cases by deadline are read from the "no deadline" end of the sort's index,
            # where both databases read the 23,000 open cases with one first, looking each up
            # (50-90 ms on SQLite at a million cases). Not by state: SQLite then sorted the state's
            # cases (it has no range of "state, (x IS NULL), x" for "x IS NULL" alone). Not one
            # handler's: their cases by deadline are read in order from their own index
            # (queue_indexes.ONE_HANDLER_EVERY), which SQLite would sort with it said.
            qs = qs.filter(next_deadline_by__isnull=True)
    else:
        qs = qs.filter(is_open=True)
    if data.get("q"):
        where = (searched or search.searched(data["q"])).where
        if where is not None:
            qs = qs.filter(where)
    if data.get("cases") == "mine":
        qs = qs.filter(handler=user)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    # "is_open" once in the WHERE: written twice, PostgreSQL multiplied its selectivity in twice
    # (4.5% of 4.5%), expected 39 overdue cases of 20,316, and sorted them all for a page instead
    # of reading the index in order (the API's overdue page: 78 ms, 0.7 with it once).
    said_open = state != "all" and (not state or lifecycle.is_open(State(state)))
    if data.get("stage"):
        # A stage's states are all open ones: with "including closed" (or a closed state) too, its
        # cases are read from the indexes of open cases (queue_indexes), as an open state's are,
        # where SQLite read every complaint ever received for them (1.5-4 s a page).
        qs = qs.filter(state__in=STAGE_STATES[data["stage"]], **({} if said_open else {"is_open": True}))
        said_open = True
    if data.get("service_area"):
        qs = qs.filter(service_area=data["service_area"])
    themed_open = False
    if data.get("theme"):
        if state == "all" or (state and not lifecycle.is_open(State(state))):
            # Every case, or a closed state's: the theme's rows joined, probed by case for each
            # entry of the sort's index (of every case, or of one handler's) read in order: a theme
            # is on one case in thirteen, so page 1 reads about 330 entries (queue_indexes); the
            # total from the theme's rows (queue_themes.counted_rows).
            qs = queue_themes.every_state(qs, data["theme"])
        else:
            # The theme's open cases, from the index of case themes whose case is open (the mark
            # kept by triggers: putright.performance.copies), not every open case looked up; a
            # page read from the sort's own index, each entry tested (queue_themes).
            qs = qs.filter(queue_themes.theme_filter(user, data, data.get("sort") or DEFAULT_SORT))
            themed_open = True
    if data.get("handler"):
        qs = qs.filter(handler=data["handler"])
    due = data.get("due")
    open_only = {} if said_open else {"is_open": True}
    if due == "overdue":
        qs = qs.filter(**open_only, next_deadline_by__lt=today)
    elif due == "today":
        qs = qs.filter(**open_only, next_deadline_by=today)
    elif due == "soon":
        qs = qs.filter(**open_only, next_deadline_by__gte=today, next_deadline_by__lte=soon_until(today, cal))
    by_deadline = (data.get("sort") or DEFAULT_SORT).lstrip("-") == "deadline"
    if (due in ("today", "soon") or (due == "overdue" and by_deadline and generic)) and connections[qs.db].vendor == "postgresql":
        # Said outright, though the dates imply it: "has a deadline" is the first term of the
        # deadline indexes' order, and held to a value it lets PostgreSQL's plan for any dates
        # (the one a prepared statement keeps) start at the first date, not read every overdue
        # case first (page 406 of overdue typed, by deadline, sorted every overdue case: 15 ms).
        # Overdue only so: its lower estimate (377 of 20,000) made the API's plans sort them (62 ms).
        qs = qs.filter(queue_keyset.EmptyIs(ExpressionWrapper(Q(next_deadline_by__isnull=True), output_field=BooleanField()), False))
    elif due == "extended":
        # Marked on the case by triggers (putright.performance.copies) and read from the index of
        # open extended cases, where looking for them read every open case.
        qs = qs.filter(**open_only, extended_open=True)
    sort = query_sort(data, qs.db)
    if queue_indexes.open_state_without_deadlines(data) and sort.lstrip("-") == "received":
        # Its cases have no next deadline (lifecycle.deadline_field): said, the index of open cases
        # with none, by state and date received, holds the page (queue_indexes.OPEN_NO_DEADLINE_ORDER).
        qs = qs.filter(next_deadline_by__isnull=True)
    qs = queue_indexes.read_in_order(qs.order_by(*ordering(sort)), data, sort)
    return queue_themes.named(qs, data, sort) if themed_open else qs


def query_sort(data: dict, using: str) -> str:
    """The order the queue's query is written in: the sort asked for, but on PostgreSQL a closed
    state of everyone's cases by deadline is by date received, either way (a closed state has no
    deadline: the same order). Written so, `case_no_deadline_order` holds it: "withdrawn" read all
    its 36,000 cases and sorted them (25-30 ms), "closed" and a theme read the theme's closed
    cases with PostgreSQL's plan for any closed state (1,060 ms; decision 0021). Refused or
    withdrawn so on SQLite too: their index by date received holds it (decision 0022). One
    handler's closed state by deadline likewise on PostgreSQL: with a theme, it read the handler's
    41,000 closed cases in state order to sort them by date received (165-200 ms a page), where
    the handler's index by date received gives the order (decision 0024). An open state whose
    cases have no deadline (a service request open, a stage answered), anyone's, so on both
    (`queue_indexes.open_state_without_deadlines`)."""
    sort = data.get("sort") or DEFAULT_SORT
    postgresql = connections[using].vendor == "postgresql"
    if _everyones_closed_state_by_deadline(data) and (postgresql or queue_indexes.ended_early(data)):
        return sort.replace("deadline", "received")
    if postgresql and queue_indexes.closed_state(data) and queue_indexes.one_handler(data) and sort.lstrip("-") == "deadline":
        return sort.replace("deadline", "received")
    if queue_indexes.open_state_without_deadlines(data) and sort.lstrip("-") == "deadline":
        return sort.replace("deadline", "received")  # likewise, on both databases (migration 0031)
    return sort


def _everyones_closed_state_by_deadline(data: dict) -> bool:
    """A closed state, not of one handler's cases ("My cases" or a handler chosen), by deadline
    either way: its query says "no deadline" and, on PostgreSQL, is ordered by date received."""
    by_deadline = (data.get("sort") or DEFAULT_SORT).lstrip("-") == "deadline"
    return queue_indexes.closed_state(data) and not queue_indexes.one_handler(data) and by_deadline


def due_querysets(user, scope: str, today, cal) -> dict:
    """The open cases (the user's own, or everyone's) overdue, due today and due soon, added up
    from the counts kept by deadline day (putright.performance.deadlinecounts): everyone's, or
    the user's own kept by handler."""
    kept = kept_due(today, cal, user.pk if scope == "mine" else None)
    # The same objects as a page with that filter alone reads its total from (kept_total), so
    # count_each adds them up once.
    return {"overdue": kept["overdue"], "today": kept["today"], "soon": kept["soon:count"]}


def page_counts(user, data, total: Counts, today, cal) -> Asked:
    """Every count the page shows, as one statement (sent with the page's other reads:
    putright.cases.views.queue_reads): the total (`total`, compiled with the page's queries:
    `_built`), the deadline counts and the worklist banners (Ombudsman and reviews, hazards),
    each the same COUNT as on its own. `.answer(rows)` gives them by name.

    The other counts depend on the day, the scope (and the user, for their own cases) and the
    dates the landlord's calendar gives, so their SQL is compiled once per process for each
    (putright.performance.counting.compiled_once); the hazards' are bound to the moment now."""
    scope = data["cases"]
    soon = soon_until(today, cal)
    handler = user if scope == "mine" else None

    def build() -> dict:
        return {
            **{f"due:{k}": q for k, q in due_querysets(user, scope, today, cal).items()},
            **{f"review:{k}": q for k, q in review_querysets(today).items()},
            **{f"worklist:{k}": q for k, q in worklists.querysets(today, cal, handler=handler).items()},
        }

    fixed = compiled_once(("queue", Case.objects.db, scope, handler.pk if handler else None, today, soon), build)
    # With the revisions of the closure days and the filters' options, in the counts' snapshot:
    # the page checks the ones it was built with (putright.performance.revisions).
    return ask(total, fixed, hazard_counts_compiled(),
               revisions.counted(Case.objects.db))


def _scoped_data(request, form) -> dict:
    """The filters as the user meant them: "My cases" by default for a handler (and for the old
    ?mine=1 links); a search looks through every case, open or closed, unless told otherwise."""
    # A filter the form does not know (an old link, a typed URL) is ignored; the others still apply.
    data = {}
    if form.is_bound:
        form.is_valid()
        data = dict(form.cleaned_data)
    searching = bool((data.get("q") or "").strip())
    if not data.get("cases"):
        data["cases"] = "mine" if request.GET.get("mine") else ("all" if searching else default_scope(request.user))
    if searching and "state" not in request.GET:
        data["state"] = "all"
    sort = request.GET.get("sort", "")
    data["sort"] = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    return data


def _built(user, data, today, cal, found_by) -> queue_kept.Built:
    """The page's queries for a calendar. Page through the ids only, and load the page's 25 cases
    with their relations by them: an OFFSET then skips bare index entries, not whole joined rows
    (page 400 of the overdue queue of a million cases: 190 ms of SQL down to 80 ms on SQLite). A
    theme (and a stage, a handler) by deadline or date: paged and counted from the theme rows'
    index; its total from its rows alone where they carry every filter (queue_themes)."""
    planning = queue_reads.planning_for(data)
    cases = filtered_cases(user, data, today, cal, generic=planning == GENERIC, searched=found_by)
    themed = theme_rows(user, data)
    paged = cases.values_list("pk", flat=True) if themed is None else themed.values_list("case_id", flat=True)
    counted = queue_themes.counted_rows(user, data)
    total = compile_counts({"total": kept_total(data, today, cal, user) or (cases if counted is None else counted)})
    # A "Next"/"Previous" link's case, to read its sort values by (queue_keyset): the case, or the
    # theme's row of it.
    if found_by is not None:
        # A search pages by the page number: its cases are its residents' few thousand at most,
        # and SQLite read a range of the sort's index of every case for them instead
        # (a postcode's Next page: 0.3 s at a million cases, by the page number 5 ms).
        cursor = None
    elif themed is None:
        cursor = lambda pk: Case.objects.using(paged.db).filter(pk=pk)  # noqa: E731
    else:
        cursor = lambda pk: themed.model.objects.using(paged.db).filter(theme=data["theme"], case_id=pk)  # noqa: E731
    order = ordering(query_sort(data, paged.db))
    # A search's total is counted by its page's rows as they are found (its residents' cases
    # looked up once, not again to count them: decision 0031).
    return queue_kept.Built(paged, total, order, cursor, planning, queue_jump.jump_for(data, today),
                            total_with_rows=found_by is not None)


@staff_view
def queue(request):
    today = timezone.localdate()
    form = QueueFilter(request.GET or None)
    with queue_filters.choices_kept() as relied:
        data = _scoped_data(request, form)
    text = (data.get("q") or "").strip()
    if text and request.GET.get("open") != "0":
        reference = search.exact_reference(text)
        if reference:
            return redirect("cases:detail", reference)
    # The residents a search names, looked up once for the page's rows and its total alike.
    found_by = search.searched(text) if text else None
    # What the page builds, kept for the next request with the same inputs (queue_kept).
    inputs = queue_kept.inputs(Case.objects.db, request.user, data, today, found_by)

    def build(cal) -> queue_reads.Reads:
        made = queue_kept.built(inputs, cal, lambda: _built(request.user, data, today, cal, found_by))
        counts = page_counts(request.user, data, Counts(made.total.using) if made.total_with_rows else made.total, today, cal)
        return queue_reads.Reads(counts, made.paged, made.order, made.cursor, made.planning, made.jump, made.pages,
                                 made.total if made.total_with_rows else None)

    # The closure days, the counts, the filters' options and the page's rows: one round trip on
    # PostgreSQL (putright.cases.views.queue_reads).
    found = queue_reads.read_page(build, queue_filters.options_read(form), request.GET.get("page"), PAGE_SIZE, queue_keyset.position(request.GET))
    if not queue_filters.current(relied, found.counted):
        # The service area, theme or handler was checked against options changed since: the page
        # again, the choice looked up in the database.
        with queue_filters.choices_from_database():
            return queue(request)
    cal, counted, page = found.cal, found.counted, found.page
    worklist = {k.split(":", 1)[1]: n for k, n in counted.items() if k.startswith("worklist:")}
    counts = {k.split(":", 1)[1]: n for k, n in counted.items() if k.startswith("due:")}
    rows_html = queue_table.rows_html(page.object_list, today, cal)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form, "filters": queue_filters.written_out(form, found.options), "page": page, "rows": rows_html, "today": today,
            "mine": data["cases"] == "mine", "counts": counts, "worklist": worklist, **queue_links.links(request.GET, data, page),
            "sort": data["sort"], "searching": text,
            "residents_capped": f"{search.MAX_RESIDENTS:,}" if found_by is not None and found_by.more_residents else "",
            **queue_links.residents_without_cases(found_by, data, text),
            "review_counts": review_counts(today, {k.split(":", 1)[1]: n for k, n in counted.items() if k.startswith("review:")}),
            "hazard_counts": {k.split(":", 1)[1]: n for k, n in counted.items() if k.startswith("hazard:")},
        },
    )

"""The queue: open cases by next deadline, filterable, 25 to a page."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef
from django.shortcuts import render
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.access import staff_view
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, ServiceArea, Stage, Theme
from putright.rules import lifecycle
from putright.rules.due import due_status, soon_until
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Kind, State

PAGE_SIZE = 25

DUE_CHOICES = [
    ("", "Any"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("soon", "Due within 2 working days"),
    ("extended", "Extended"),
]
STAGE_STATES = {
    "1": [State.STAGE1_LOGGED, State.STAGE1_ACKNOWLEDGED, State.STAGE1_RESPONDED],
    "2": [State.STAGE2_REQUESTED, State.STAGE2_ACKNOWLEDGED, State.STAGE2_RESPONDED],
}


class QueueFilter(forms.Form):
    mine = forms.BooleanField(required=False, label="Only my cases")
    kind = forms.ChoiceField(required=False, choices=[("", "Any")] + [(k.value, KIND_LABELS[k].capitalize()) for k in Kind])
    stage = forms.ChoiceField(required=False, choices=[("", "Any"), ("1", "Stage 1"), ("2", "Stage 2")])
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Any open"), ("all", "Any, including closed")] + [(s.value, STATE_LABELS[s].capitalize()) for s in State],
    )
    service_area = forms.ModelChoiceField(required=False, queryset=ServiceArea.objects.all(), empty_label="Any")
    theme = forms.ModelChoiceField(required=False, queryset=Theme.objects.all(), empty_label="Any")
    handler = forms.ModelChoiceField(
        required=False, queryset=User.objects.filter(is_active=True, role__in=["administrator", "manager", "handler"]).order_by("first_name", "username"),
        empty_label="Anyone",
    )
    due = forms.ChoiceField(required=False, choices=DUE_CHOICES, label="Due")


def extended_stages():
    """Stages not answered yet whose date was moved by an agreed extension (index stage_open_extended)."""
    return Stage.objects.filter(responded_on__isnull=True).exclude(respond_by=F("code_respond_by"))


def with_columns(cases):
    """What the queue shows of each case: its resident, handler and service area, and whether a
    stage of it is extended (`extended`)."""
    extended = extended_stages().filter(case=OuterRef("pk"))
    return cases.select_related("resident", "handler", "service_area").annotate(extended=Exists(extended))


def filtered_cases(user, data, today, cal):
    """The queue's query: only indexed columns, whatever the filters.

    Each filter of open cases is answered from a small partial index of open cases
    (case_open_deadline, and case_open_{handler,kind,state,area}_deadline) or from the few stages
    extended and not yet answered (stage_open_extended), and the total is a COUNT over the same
    index; only the theme filter still visits every open case (one probe of the (case, theme)
    index each). Measured with benchmarks/queue.py on a million cases.
    """
    qs = with_columns(Case.objects.all())
    state = data.get("state")
    if state == "all":
        pass
    elif state:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(is_open=True)
    if data.get("mine"):
        qs = qs.filter(handler=user)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("stage"):
        qs = qs.filter(state__in=STAGE_STATES[data["stage"]])
    if data.get("service_area"):
        qs = qs.filter(service_area=data["service_area"])
    if data.get("theme"):
        if state == "all" or (state and not lifecycle.is_open(State(state))):
            # Most cases are closed: start from the theme's cases.
            qs = qs.filter(themes=data["theme"])
        else:
            # Open cases are few: start from them and look each one's theme up in the
            # (case, theme) index, rather than visiting every case the theme was ever given to.
            qs = qs.filter(Exists(Case.themes.through.objects.filter(case_id=OuterRef("pk"), theme=data["theme"])))
    if data.get("handler"):
        qs = qs.filter(handler=data["handler"])
    due = data.get("due")
    if due == "overdue":
        qs = qs.filter(is_open=True, next_deadline_by__lt=today)
    elif due == "today":
        qs = qs.filter(is_open=True, next_deadline_by=today)
    elif due == "soon":
        qs = qs.filter(is_open=True, next_deadline_by__gte=today, next_deadline_by__lte=soon_until(today, cal))
    elif due == "extended":
        # The cases of the few extended, unanswered stages, not an EXISTS run for every open case.
        qs = qs.filter(is_open=True, pk__in=extended_stages().values("case_id"))
    return qs.order_by(F("next_deadline_by").asc(nulls_last=True), "received_on", "id")


@staff_view
def queue(request):
    today = timezone.localdate()
    cal = landlord_calendar()
    form = QueueFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = filtered_cases(request.user, data, today, cal)
    # Page through the ids only, then load the page's 25 cases with their relations: an OFFSET
    # then skips bare index entries, not whole joined rows (page 400 of the overdue queue of a
    # million cases: 190 ms of SQL down to 80 ms on SQLite).
    page = Paginator(cases.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    loaded = {case.pk: case for case in with_columns(Case.objects.filter(pk__in=ids)).order_by()} if ids else {}
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    rows = [
        {
            "case": case,
            "state": STATE_LABELS[State(case.state)],
            "kind": KIND_LABELS[Kind(case.kind)],
            "due": due_status(today, case.next_deadline_by, cal) if case.is_open and case.next_deadline_by else None,
        }
        for case in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/queue.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "today": today, "mine": data.get("mine")},
    )

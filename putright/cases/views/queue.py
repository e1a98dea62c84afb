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


def filtered_cases(user, data, today, cal):
    """The queue's query: only indexed columns and one EXISTS, whatever the filters."""
    extended = Stage.objects.filter(case=OuterRef("pk"), responded_on__isnull=True).exclude(respond_by=F("code_respond_by"))
    qs = Case.objects.select_related("resident", "handler", "service_area").annotate(extended=Exists(extended))
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
        qs = qs.filter(themes=data["theme"])
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
        qs = qs.filter(is_open=True, extended=True)
    return qs.order_by(F("next_deadline_by").asc(nulls_last=True), "received_on", "id")


@staff_view
def queue(request):
    today = timezone.localdate()
    cal = landlord_calendar()
    form = QueueFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(filtered_cases(request.user, data, today, cal), PAGE_SIZE).get_page(request.GET.get("page"))
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

"""The case page, and one page per step that can be taken on it now."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch, Value
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from putright.audit import case_read_statement, record_read
from putright.audit.views import VIEWED_BY, viewed_by
from putright.cases.access import get_case_for_staff, require_change, require_manage, staff_view
from putright.cases.calendar import CLOSURE_DAYS, landlord_calendar
from putright.cases.forms import actions as forms
from putright.cases.forms import respond
from putright.cases.views import case_reads
from putright.cases.views.case_lists import CORRESPONDENCE, TIMELINE, correspondence_html, messages_received, timeline_html
from putright.cases.views.case_panels import record_html
from putright.hazards.queries import for_case_call, prefetch_reports
from putright.letters.templatetags.letters import CASE_LETTERS
from putright.ombudsman.templatetags.ombudsman_tags import CASE_OMBUDSMAN
from putright.performance.compiled import Compiled, answered
from putright.residents.templatetags.safeguards import CURRENT as RESTRICTIONS
from putright.cases.models import (
    ActionUpdate, Attachment, Case, DecisionPoint, Extension, OutstandingAction, Refusal, Remedy, Stage,
)
from putright.rules import lifecycle
from putright.rules.due import due_status
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Action, Kind, State


@dataclass(frozen=True)
class Step:
    slug: str
    form: type
    action: Action | None = None  # the lifecycle action, when the step changes the state
    manage: bool = False  # managers and administrators only
    complaint_only: bool = False

    def available(self, case: Case, user) -> bool:
        if not user.can_change_cases or (self.manage and not user.can_manage_cases):
            return False
        if self.complaint_only and case.kind != Kind.COMPLAINT:
            return False
        if self.action is not None:
            return self.action in lifecycle.allowed_actions(Kind(case.kind), State(case.state), case.previous_state or None)
        if self.slug == "complete-remedy":
            return any(r.completed_on is None for r in case.remedies.all())
        if self.slug == "update-action":
            return any(a.completed_on is None for a in case.actions.all())
        if self.slug == "sent-another-way":
            from putright.cases.actions.issuing import anything_awaiting_issue

            return anything_awaiting_issue(case)
        return True


STEPS = {
    s.slug: s
    for s in [
        Step("acknowledge", forms.AcknowledgeForm, Action.ACKNOWLEDGE),
        Step("respond", respond.RespondForm, Action.RESPOND),
        Step("extend", forms.ExtendForm, Action.EXTEND),
        Step("request-stage-2", forms.RequestStageTwoForm, Action.REQUEST_STAGE2),
        Step("remedy", forms.AddRemedyForm, complaint_only=True),
        Step("complete-remedy", forms.CompleteRemedyForm, complaint_only=True),
        Step("action", forms.AddActionForm),
        Step("update-action", forms.CompleteActionForm),
        Step("correspondence", forms.CorrespondenceForm),
        Step("sent-another-way", forms.SentAnotherWayForm, complaint_only=True),
        Step("add-issue", forms.RelatedIssueForm, Action.ADD_RELATED_ISSUE),
        Step("raise-complaint", forms.ConvertForm, Action.CONVERT_TO_COMPLAINT),
        Step("allocate", forms.AllocateForm, Action.ALLOCATE, manage=True),
        Step("refuse", forms.RefuseForm, Action.REFUSE, manage=True),
        Step("withdraw", forms.WithdrawForm, Action.WITHDRAW),
        Step("close", forms.CloseForm, Action.CLOSE),
        Step("reopen", forms.ReopenForm, Action.REOPEN, manage=True),
    ]
}


def _case_queryset(*, linked_cases: bool = True):
    """The case with everything its page lists, one query per relation: for the step pages (the
    case page itself reads the same through compiled queries, cases/views/case_reads.py, and
    its test holds the two equal).

    Each list is put in order by its own columns: the models' default orderings start with their
    parent ("case", "stage", "action"), whose own ordering the database would join the parent
    tables for (cases_case at least) and the ORM work out again on every request, to sort rows
    that all belong to one case or stage anyway. The orders below are those orderings without it.
    """
    related = ["resident", "representative", "service_area", "handler"]
    if linked_cases:  # the step pages' forms use them; the case page looks up only their references (_linked_cases)
        related += ["from_service_request", "related_to"]
    stages = Stage.objects.select_related("handler").order_by("number").prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.order_by("id")),
        Prefetch("points", queryset=DecisionPoint.objects.order_by("position", "id")),
    )
    actions = OutstandingAction.objects.select_related("owner").order_by("due_by", "id").prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.order_by("given_on", "id")),
    )
    return Case.objects.select_related(*related).prefetch_related(
        "themes",
        "resident__adjustments",
        Prefetch("stages", queryset=stages),
        Prefetch("remedies", queryset=Remedy.objects.order_by("id")),
        Prefetch("actions", queryset=actions),
        Prefetch("refusals", queryset=Refusal.objects.order_by("refused_on", "id")),
    )


def _linked_refs(link: str, **where):
    return Case.objects.filter(**where).annotate(link=Value(link)).order_by().values_list("link", "reference", "received_on", "id")


# The cases this one links to and from, by their references, in one query: the complaints raised
# from this request and those linked to this complaint (each through its own partial index: cases
# migration 0007), the request it is about and the complaint it is linked to (by primary key; 0,
# which no case has, when there is none). Its SQL is written once (performance/compiled.py).
LINKED = Compiled(
    lambda case_id, about_id, related_id: _linked_refs("raised", from_service_request_id=case_id).union(
        _linked_refs("linked", related_to_id=case_id),
        _linked_refs("about", pk=about_id),
        _linked_refs("related_to", pk=related_id),
        all=True,
    ).order_by("-received_on", "-id")
)


def _linked_call(case: Case) -> tuple:
    return LINKED, "rows", (case.pk, case.from_service_request_id or 0, case.related_to_id or 0)


def _linked_cases(rows: list[tuple]) -> dict[str, list[str]]:
    """The references of the cases this one links to and from (LINKED's rows). The page needs
    only their references, not three whole cases joined in."""
    found: dict[str, list[str]] = {"raised": [], "linked": [], "about": [], "related_to": []}
    for link, reference, _received, _id in rows:
        found[link].append(reference)
    return found


def _page_calls(request, case: Case, today) -> list:
    """Everything the case page asks once it has the case and its relations, for `answered`: the
    record of this read (before "Viewed by", which lists it), and each panel's and template
    tag's own question with the values it will ask with."""
    calls = [
        case_read_statement(request.user, case, path=request.path),
        _linked_call(case),
        for_case_call(case),
        (CLOSURE_DAYS, "rows", ()),
        (TIMELINE, "rows", (case.pk,)),
        (CORRESPONDENCE, "rows", (case.pk,)),
        (VIEWED_BY, "rows", (case.pk,)),
        (CASE_OMBUDSMAN, "rows", (case.pk,)),
        (CASE_LETTERS, "models", (case.pk,)),
    ]
    if case.resident_id is not None:
        calls.append((RESTRICTIONS, "models", (case.resident_id, today)))
    return calls


def _stage_rows(case: Case, today, cal):
    rows = []
    for stage in sorted(case.stages.all(), key=lambda s: s.number):
        waiting = stage.acknowledged_on is None and case.is_open and case.state in (State.STAGE1_LOGGED, State.STAGE2_REQUESTED)
        answering = stage.acknowledged_on is not None and stage.responded_on is None and case.is_open
        rows.append(
            {
                "stage": stage,
                "acknowledge_due": due_status(today, stage.acknowledge_by, cal) if waiting else None,
                "respond_due": due_status(today, stage.respond_by, cal) if answering else None,
            }
        )
    return rows


@staff_view
def detail(request, reference):
    case = get_case_for_staff(request.user, reference, read=case_reads.find_case)
    today = timezone.localdate()
    # Reading the case is recorded in the same round trip as the reads that show it, and committed
    # with them: a page that fails to record shows nothing (audit.case_read_statement).
    # On PostgreSQL everything goes to the database in one round trip (performance.compiled);
    # each part of the page then takes its answer.
    relations = case_reads.relation_calls(case)
    with answered(*relations, *_page_calls(request, case, today)) as found:
        case_reads.keep_relations(case, found[: len(relations)])
        return _detail(request, case, today)


def _detail(request, case: Case, today):
    links = _linked_cases(LINKED.rows(*_linked_call(case)[2]))
    correspondence = CORRESPONDENCE.rows(case.pk)
    case.complaint_raised = bool(links["raised"])  # for the dissatisfaction notice (putright.triage)
    case.messages_received = messages_received(correspondence)  # and what it reads
    prefetch_reports(case)  # the hazards section and the letters offered both list them
    cal = landlord_calendar()
    resident = case.resident
    adjustments = [a for a in resident.adjustments.all() if a.ended_on is None] if resident else []
    context = {
        "case": case,
        "kind": KIND_LABELS[Kind(case.kind)],
        "state": STATE_LABELS[State(case.state)],
        "record": record_html(case, _stage_rows(case, today, cal), today),
        "adjustments": adjustments,
        "steps": [
            {"title": s.form.title, "url": reverse("cases:action", args=[case.reference, s.slug])}
            for s in STEPS.values() if s.available(case, request.user)
        ],
        "timeline": timeline_html(case),
        "complaints_raised": links["raised"],
        "linked": links["linked"],
        "about_request": links["about"][0] if links["about"] else None,
        "related_to": links["related_to"][0] if links["related_to"] else None,
        "correspondence": correspondence_html(case, correspondence),
        "today": today,
        "viewed_by": viewed_by(case),
    }
    return render(request, "cases/detail.html", context)


@staff_view
def action(request, reference, action):
    step = STEPS.get(action)
    if step is None:
        raise Http404("No such step.")
    require_change(request.user)
    if step.manage:
        require_manage(request.user)
    case = get_case_for_staff(request.user, reference, _case_queryset())
    if not step.available(case, request.user):
        messages.info(request, f"“{step.form.title}” is not possible now: the {KIND_LABELS[Kind(case.kind)]} is {STATE_LABELS[State(case.state)]}.")
        return redirect("cases:detail", case.reference)
    # Bound on POST even when nothing was posted (a form of one empty field): `request.POST or
    # None` would show a blank form again instead of saying what is missing.
    posted = request.method == "POST"
    form = step.form(request.POST if posted else None, request.FILES if posted else None, case=case, user=request.user)
    if posted and form.run():
        result = form.result
        target = result if isinstance(result, Case) else case
        messages.success(request, f"{step.form.title}: saved on {target.reference}.")
        letter = _letter_after(step.slug, target, request.user)
        if letter is not None:
            return redirect("letters:letter", letter.pk)
        return redirect("cases:detail", target.reference)
    template = getattr(step.form, "page_template", "cases/action.html")
    return render(request, template, {"case": case, "form": form, "step": step, "state": STATE_LABELS[State(case.state)]})


#: The letter each step leads straight into: the handler writes it next, on its own page.
LETTER_AFTER = {
    "acknowledge": {"stage1_acknowledgement", "stage2_acknowledgement"},
    "extend": {"extension"},
    "respond": {"stage1_response", "stage2_response"},
}


def _letter_after(slug: str, case: Case, user):
    """A draft of the letter the step calls for (the one already open, if any), or None."""
    from putright.letters import actions as letter_actions
    from putright.letters.drafting import applicable_kinds

    wanted = LETTER_AFTER.get(slug)
    if not wanted:
        return None
    case = Case.objects.get(pk=case.pk)  # as the step left it
    for kind, _number in reversed(applicable_kinds(case)):
        if kind in wanted:
            try:
                return letter_actions.draft_letter(case, kind, actor=user)
            except RuleViolation:
                return None
    return None


@staff_view
def attachment(request, reference, pk):
    case = get_case_for_staff(request.user, reference)
    item = get_object_or_404(Attachment, pk=pk, correspondence__case=case)
    record_read(request.user, "attachment", item, path=request.path)
    try:
        return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)
    except FileNotFoundError:
        raise Http404("The file is missing from storage.")

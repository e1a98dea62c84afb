"""Cases: log, read, list (the queue's filters, cursor pages) and every step, through
`putright.cases.actions` exactly as the pages call it."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import replace
from types import SimpleNamespace

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja import Field as NField

from putright.accounts.models import User
from putright.api import reading
from putright.api import schemas as s
from putright.api.app import responses
from putright.cases import actions
from putright.cases.access import get_case_for_staff, require_manage
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, ServiceArea, Stage, Theme
from putright.cases.views import case_reads, queue_reads, queue_table
from putright.cases.views.case import STEPS
from putright.cases.views.queue import filtered_cases, ordering, query_sort
from putright.performance.compiled import GENERIC, together
from putright.residents.models import Resident
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind, State

router = Router(tags=["cases"])

MAX_PAGE = 100


# --- reading ------------------------------------------------------------------------------------


def _summary(case: Case) -> dict:
    """What the list shows of a case (`_listed`), read from the case's model and its people."""
    resident = case.resident
    return _listed(SimpleNamespace(
        reference=case.reference, kind=case.kind, state=case.state, channel=case.channel, received_on=case.received_on,
        is_open=case.is_open, next_deadline_by=case.next_deadline_by, extended_open=case.extended_open,
        handler__username=case.handler.username if case.handler else None,
        service_area__name=case.service_area.name if case.service_area else None,
        resident_id=case.resident_id, resident__name=resident.name if resident else None,
        resident__tenancy_reference=resident.tenancy_reference if resident else None,
    ))


def _detail(case: Case, user) -> dict:
    stages = []
    for stage in case.stages.all():
        stages.append({
            "number": stage.number,
            "requested_on": stage.requested_on,
            "acknowledged_on": stage.acknowledged_on,
            "acknowledge_by": stage.acknowledge_by,
            "code_respond_by": stage.code_respond_by,
            "respond_by": stage.respond_by,
            "responded_on": stage.responded_on,
            "decision": stage.decision or None,
            "handler": stage.handler.username if stage.handler else None,
            "definition": stage.definition,
            "outcomes_sought": stage.outcomes_sought,
            "extensions": list(stage.extensions.all()),
            "points": list(stage.points.all()),
        })
    return {
        **_summary(case),
        "extended": any(st["respond_by"] != st["code_respond_by"] and st["responded_on"] is None for st in stages),
        "received_by": case.received_by,
        "description": case.description,
        "tenure": case.tenure,
        "themes": [t.name for t in case.themes.all()],
        "withdrawn_on": case.withdrawn_on,
        "closed_on": case.closed_on,
        "stages": stages,
        "next_actions": [slug for slug, step in STEPS.items() if slug in ACTION_SLUGS and step.available(case, user)],
    }


def _case_queryset():
    return Case.objects.select_related("resident", "handler", "service_area").prefetch_related(
        "themes", "remedies", "actions",
        Prefetch("stages", queryset=Stage.objects.select_related("handler").prefetch_related("extensions", "points")),
    )


def _load(request, reference: str) -> Case:
    return get_case_for_staff(request.auth.user, reference, _case_queryset())


def _answer(request, case: Case) -> dict:
    return read_case(request, case.reference)


@router.get("/{reference}", response=responses({200: s.CaseDetail}), summary="Read a case")
def read_case(request, reference: str):
    """The case with its stages, stored deadlines, state and the steps this key may take now."""
    # The case page's reads (case_reads: SQL written once, prepared on PostgreSQL): the case, then
    # everything it lists with the record of this read (the access log, as the case page keeps
    # it) in one round trip, committed together.
    case = get_case_for_staff(request.auth.user, reference, read=case_reads.find_case)
    relations = case_reads.relation_calls(case)
    case_reads.keep_relations(case, together(*relations, reading.case_statement(request, case))[: len(relations)])
    return _detail(case, request.auth.user)


class CaseFilters(Schema):
    mine: bool = NField(False, description="Only cases handled by this key's user.")
    kind: Kind | None = None
    stage: int | None = NField(None, ge=1, le=2)
    state: State | None = NField(None, description="Default: any open state.")
    include_closed: bool = NField(False, description="With no state: closed, refused and withdrawn cases too.")
    service_area: s.ShortText | None = NField(None, description="A service area's name.")
    theme: s.ShortText | None = NField(None, description="A theme's name.")
    handler: s.ShortText | None = NField(None, description="A username.")
    due: str | None = NField(None, pattern="^(overdue|today|soon|extended)$")
    cursor: s.text(300) | None = None
    limit: int = NField(25, ge=1, le=MAX_PAGE)


def _named(model, lookup: str, value: str | None, field: str):
    """The service area, theme or user of that name, or a refusal naming the field."""
    if not value:
        return None
    found = model.objects.filter(**{lookup: value}).first()
    if found is None:
        raise RuleViolation(f"There is no {model._meta.verbose_name} called {value!r}.", field=field)
    return found


def cursor_after(row) -> str:
    """The list's cursor for the page after `row` (anything with `next_deadline_by`,
    `received_on` and `pk`): its sort values, base64 JSON, as the list hands it out."""
    raw = json.dumps([row.next_deadline_by.isoformat() if row.next_deadline_by else None, row.received_on.isoformat(), row.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str) -> dict:
    """The sort values of the case a cursor follows, by column: next deadline (none last),
    received, id (the queue's order)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        deadline, received, pk = json.loads(raw)
        deadline = dt.date.fromisoformat(deadline) if deadline is not None else None
        received = dt.date.fromisoformat(received)
        pk = int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise RuleViolation("This cursor is not one PutRight gave: start again without a cursor.", field="cursor")
    return {"next_deadline_by": deadline, "received_on": received, "id": pk}


#: What a case in the list shows, read as plain values with the page (queue_table.page_read).
LISTED = (
    "pk", "reference", "kind", "state", "channel", "received_on", "is_open", "next_deadline_by", "extended_open",
    "handler__username", "service_area__name", "resident_id", "resident__name", "resident__tenancy_reference",
)


def _listed(row) -> dict:
    """A case in the list, from `LISTED`'s values (a case read alone: `_summary`)."""
    return {
        "reference": row.reference,
        "kind": row.kind,
        "state": row.state,
        "channel": row.channel,
        "received_on": row.received_on,
        "is_open": row.is_open,
        "next_deadline_by": row.next_deadline_by,
        # Marked on the case by triggers (`Case.extended_open`: a stage awaits its response by a
        # date an extension moved, the case open or not), as the queue's rows read it: no query.
        "extended": bool(row.extended_open),
        "handler": row.handler__username,
        "service_area": row.service_area__name,
        "resident": ({"id": row.resident_id, "name": row.resident__name, "tenancy_reference": row.resident__tenancy_reference}
                     if row.resident_id is not None else None),
    }


@router.get("", response=responses({200: s.CasePage}), summary="List cases (the queue)")
def list_cases(request, filters: Query[CaseFilters]):
    """The queue: open cases soonest deadline first, with the queue's filters, a page at a time."""
    user = request.auth.user
    data = {
        "cases": "mine" if filters.mine else "all",
        "kind": filters.kind.value if filters.kind else "",
        "stage": str(filters.stage) if filters.stage else "",
        "state": filters.state.value if filters.state else ("all" if filters.include_closed else ""),
        "service_area": _named(ServiceArea, "name", filters.service_area, "service_area"),
        "theme": _named(Theme, "name", filters.theme, "theme"),
        "handler": _named(User, "username", filters.handler, "handler"),
        "due": filters.due or "",
    }
    today = timezone.localdate()
    # The queue page's own query and reads (putright.cases.views.queue_reads): planned for any
    # values on PostgreSQL, and a cursor's page read after its position as a "Next" link's page
    # is, a range of the sort's index however deep (an OFFSET-free keyset, decision 0016), where
    # a condition "after the cursor" written here read every case before it (a million cases,
    # every state, the middle page: 1.1 s on PostgreSQL, 0.15 s on SQLite).
    cases = filtered_cases(user, data, today, landlord_calendar(), generic=True)
    paged = cases.values_list("pk", flat=True)
    keyset = None
    if filters.cursor:
        keyset = queue_reads.after_values(paged, _position(filters.cursor))
        if keyset is None:  # every order this query takes is one (test_case_list.py pages through each)
            raise RuntimeError("The case list's order cannot be read after a cursor.")
    read = queue_table.page_read(paged, ordering(query_sort(data, paged.db)), 0, filters.limit + 1, keyset, fields=LISTED)
    rows = together(replace(read, planning=GENERIC))[0] if read is not None else []
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    # The access log: each case on the page (its resident's name is in it).
    reading.record_cases(request, [(row.pk, row.reference, row.resident_id) for row in rows])
    return {"results": [_listed(row) for row in rows], "next_cursor": cursor_after(rows[-1]) if more else None}


# --- logging and steps --------------------------------------------------------------------------


def _user(username: str, field: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuleViolation(f"There is no member of staff with the username {username!r}.", field=field)
    return user


def _actor(request):
    return request.auth.user


@router.post("", response=responses({201: s.CaseDetail}), summary="Log a complaint, service request or compliment")
def log_case(request, body: s.LogCaseIn):
    """Log a case received by any channel. A complaint starts stage 1 with its dates stored."""
    resident = None
    if body.tenancy_reference:
        resident = Resident.objects.filter(tenancy_reference=body.tenancy_reference).order_by("id").first()
        if resident is None:
            raise RuleViolation(f"There is no resident with the tenancy reference {body.tenancy_reference!r}.", field="tenancy_reference")
    themes = [_named(Theme, "name", name, "themes") for name in body.themes]
    case = actions.log_case(
        kind=body.kind, received_on=body.received_on, description=body.description, channel=body.channel,
        resident=resident, service_area=_named(ServiceArea, "name", body.service_area, "service_area"), tenure=body.tenure.value if body.tenure else "",
        themes=themes, received_by=body.received_by, actor=_actor(request),
    )
    return Status(201, _answer(request, case))


# --- the steps: one endpoint each, POST /cases/{reference}/{slug}, named as on the case page ----


def _acknowledge(case, body, actor):
    return actions.acknowledge(case, **body.dict(exclude={"handler"}), handler=_user(body.handler, "handler"), actor=actor)


def _respond(case, body, actor):
    points = [actions.PointDecision(p.point, p.decision, p.reasons) for p in body.points]
    return actions.respond(case, responded_on=body.responded_on, points=points, late_entry_reason=body.late_entry_reason, actor=actor)


def _remedy(case, body, actor):
    data = {**body.dict(), "payment_method": body.payment_method.value if body.payment_method else ""}
    actions.add_remedy(case, **data, actor=actor)
    return case


def _action(case, body, actor):
    actions.add_action(case, description=body.description, due_by=body.due_by, owner=_user(body.owner, "owner"), owner_name=body.owner_name, actor=actor)
    return case


def _correspondence(case, body, actor):
    actions.add_correspondence(case, **{**body.dict(), "method": body.method.value if body.method else ""}, actor=actor)
    return case


def _plain(function):
    """A step whose body's fields are exactly the service function's keyword arguments."""
    return lambda case, body, actor: function(case, **body.dict(), actor=actor)


# slug: (body, what it does, summary, managers only). The steps return the case the step left
# the work on: the case itself, or the new complaint for add-issue (when logged separately, 6.8)
# and raise-complaint (1.5).
STEP_ENDPOINTS = {
    "acknowledge": (s.AcknowledgeIn, _acknowledge, "Define and acknowledge (5.6, 6.2, 6.11)", False),
    "extend": (s.ExtendIn, _plain(actions.extend), "Extend the response date (6.4, 6.15)", False),
    "respond": (s.RespondIn, _respond, "Send the stage's response (6.9, 6.19)", False),
    "request-stage-2": (s.RequestStageTwoIn, _plain(actions.request_stage_two), "Record a stage 2 request (6.10, 6.12)", False),
    "refuse": (s.RefuseIn, _plain(actions.refuse), "Refuse a complaint or an escalation (section 2, 5.11)", True),
    "withdraw": (s.WithdrawIn, _plain(actions.withdraw), "Record a withdrawal", False),
    "close": (s.CloseIn, _plain(actions.close), "Close the case", False),
    "reopen": (s.ReopenIn, _plain(actions.reopen), "Reopen a closed, withdrawn or refused case", True),
    "allocate": (s.AllocateIn, lambda case, body, actor: actions.allocate(case, handler=_user(body.handler, "handler"), actor=actor), "Allocate to a handler", True),
    "remedy": (s.RemedyIn, _remedy, "Offer a remedy (7.1, 7.3)", False),
    "action": (s.ActionIn, _action, "Track an outstanding action (6.6)", False),
    "correspondence": (s.CorrespondenceIn, _correspondence, "Keep correspondence on the record (5.12)", False),
    "add-issue": (s.AddIssueIn, _plain(actions.add_related_issue), "Add a new issue (6.8)", False),
    "raise-complaint": (s.RaiseComplaintIn, _plain(actions.convert_to_complaint), "Raise a complaint about a service request (1.5)", False),
}
ACTION_SLUGS = frozenset(STEP_ENDPOINTS)


def _register(slug: str, body_type, step, summary: str, manage: bool) -> None:
    def endpoint(request, reference: str, body):
        case = _load(request, reference)
        if manage:
            require_manage(request.auth.user)
        result = step(case, body, request.auth.user)
        return _answer(request, result)

    # Annotations as objects: ninja reads the body's type from them to validate and document it.
    endpoint.__annotations__ = {"reference": str, "body": body_type}
    endpoint.__name__ = endpoint.__qualname__ = slug.replace("-", "_")
    router.post(f"/{{reference}}/{slug}", response=responses({200: s.CaseDetail}), summary=summary, operation_id=f"case_{endpoint.__name__}")(endpoint)


for slug_, spec_ in STEP_ENDPOINTS.items():
    _register(slug_, *spec_)

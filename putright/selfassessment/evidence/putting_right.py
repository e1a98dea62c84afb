"""Putting things right and what follows a response: remedies at any stage, by kind and followed
through (5.13, 7.1, 7.3); outstanding actions (6.6, 6.17)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q

from putright.cases.models import ActionUpdate, OutstandingAction, Remedy, RemedyKind
from putright.reports.periods import Period

from .base import STAGES, Evidence, case_list, lower_first, plural


def _due_counts(due: Q, as_of: dt.date) -> dict:
    """Count(...) arguments for things due in the period (``due``) with a completion date."""
    return {
        "due": Count("pk", filter=due),
        "on_time": Count("pk", filter=due & Q(completed_on__lte=F("due_by"))),
        "late": Count("pk", filter=due & Q(completed_on__gt=F("due_by"))),
        "overdue": Count("pk", filter=due & Q(completed_on__isnull=True, due_by__lt=as_of)),
        "pending": Count("pk", filter=due & Q(completed_on__isnull=True, due_by__gte=as_of)),
    }


def _due_sentence(row: dict, what: tuple[str, str], done: str, label: str) -> str:
    if not row["due"]:
        return f"No {what[1]} fell due in {label}"
    sentence = (f"{plural(row['due'], *what)} due in {label}: {row['on_time']} {done} by their date, {row['late']} {done} late, "
                f"{row['overdue']} overdue and still open")
    return sentence + (f", {row['pending']} not yet due" if row["pending"] else "")


def _due_failure(row: dict, what: tuple[str, str], done: str) -> str:
    parts = []
    if row["late"]:
        parts.append(f"{plural(row['late'], *what)} {done} after {'its' if row['late'] == 1 else 'their'} date")
    if row["overdue"]:
        parts.append(f"{plural(row['overdue'], *what)} overdue and still open")
    return " and ".join(parts)


REMEDIES = ("remedy", "remedies")


def remedies(figures: dict, period: Period, as_of: dt.date, label: str) -> list[Evidence]:
    """Remedies offered in the year (Remedy.offered_on, as the compensation figures) by stage and by
    kind, and remedies due in the year, done by their date or not: one query."""
    offered = Q(offered_on__range=(period.start, period.end))
    due = Q(due_by__range=(period.start, period.end))
    undated = offered & Q(due_by__isnull=True, completed_on__isnull=True)
    rows = Remedy.objects.filter(offered | due)
    row = rows.aggregate(
        offered=Count("pk", filter=offered),
        cases=Count("case_id", filter=offered, distinct=True),
        **{f"kind:{k}": Count("pk", filter=offered & Q(kind=k)) for k in RemedyKind.values},
        **{f"stage:{n}": Count("pk", filter=offered & Q(stage_number=n)) for n in STAGES},
        undated=Count("pk", filter=undated),
        **_due_counts(due, as_of),
    )
    total = row["offered"]
    other = total - row["stage:1"] - row["stage:2"]
    if total:
        by_stage = (f"{plural(total, *REMEDIES)} offered in {label} on {plural(row['cases'], 'complaint')}: "
                    f"{row['stage:1']} at stage 1, {row['stage:2']} at stage 2"
                    + (f", {other} recorded when the complaint was at neither stage." if other else "."))
        kinds = [f"{lower_first(RemedyKind(k).label)} {row[f'kind:{k}']}" for k in RemedyKind.values if row[f"kind:{k}"]]
        money = figures["compensation"]["total"]["amount_gbp"]
        by_kind = (f"{plural(total, *REMEDIES)} offered in {label}, by the kinds 7.1 lists: " + "; ".join(kinds)
                   + (f"; £{money:,.2f} in financial remedies." if money else "."))
    else:
        by_stage = by_kind = f"No remedies were offered in {label}."
    failures = row["late"] + row["overdue"] + row["undated"]
    failure_text = _due_failure(row, REMEDIES, "completed")
    if row["undated"]:
        failure_text = " and ".join(filter(None, [failure_text, plural(row["undated"], *REMEDIES) + " with no date set"]))
    failing = (due & (Q(completed_on__gt=F("due_by")) | Q(completed_on__isnull=True, due_by__lt=as_of))) | undated
    return [
        Evidence(provision="5.13", sentence=by_stage,
                 counts={"offered": total, "complaints": row["cases"], "stage1": row["stage:1"], "stage2": row["stage:2"], "other": other}),
        Evidence(provision="7.1", sentence=by_kind,
                 counts={"offered": total, **{k: row[f"kind:{k}"] for k in RemedyKind.values}}),
        Evidence(
            provision="7.3",
            sentence=(_due_sentence(row, REMEDIES, "completed", label)
                      + (f"; {plural(row['undated'], *REMEDIES)} offered in the year with no date set." if row["undated"] else ".")),
            counts={k: row[k] for k in ("due", "on_time", "late", "overdue", "pending", "undated")},
            failures=failures, failure_text=failure_text,
            **(case_list(rows.filter(failing).values("case_id")) if failures else {}),
        ),
    ]


def outstanding_actions(period: Period, as_of: dt.date, label: str) -> list[Evidence]:
    """Outstanding actions due in the year (6.6, 6.17): the Code's text is the same at both stages
    and an action is not tied to a stage, so both provisions get the same evidence."""
    due = Q(due_by__range=(period.start, period.end))
    actions = OutstandingAction.objects.filter(due)
    row = actions.aggregate(
        **_due_counts(Q(), as_of),
        updated=Count("pk", filter=Q(Exists(ActionUpdate.objects.filter(action_id=OuterRef("pk"))))),
    )
    failures = row["late"] + row["overdue"]
    failing = Q(completed_on__gt=F("due_by")) | Q(completed_on__isnull=True, due_by__lt=as_of)
    refs = case_list(actions.filter(failing).values("case_id")) if failures else {}
    sentence = _due_sentence(row, ("outstanding action", "outstanding actions"), "done", label)
    sentence += f"; the resident was given an update on {row['updated']} of them." if row["due"] else "."
    return [
        Evidence(provision=number, sentence=sentence, counts={k: row[k] for k in ("due", "on_time", "late", "overdue", "pending", "updated")},
                 failures=failures, failure_text=_due_failure(row, ("outstanding action", "outstanding actions"), "done"), **refs)
        for number in ("6.6", "6.17")
    ]

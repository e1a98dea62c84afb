"""What the case page reads about its case: each question's SQL written by the ORM once.

The case with its people, then one query per relation it lists (themes, the resident's
adjustments, stages with their extensions and decision points, remedies, actions with their
updates, refusals), each kept on the case as prefetch_related would keep it, so the template and
the rules read `case.stages.all()` and the rest without a query. Each is a `Compiled` query
(putright/performance/compiled.py): on every request only its values change, and the ORM's half
a millisecond of building and compiling per query is spent once per process.

The action pages still use `_case_queryset` (case.py): they are not the page read all day.
"""

from __future__ import annotations

from collections import defaultdict

from putright.cases.models import (
    ActionUpdate, Case, DecisionPoint, Extension, OutstandingAction, Refusal, Remedy, Stage, Theme,
)
from putright.performance.compiled import Compiled, attach
from putright.residents.models import Adjustment

CASE = Compiled(
    lambda reference: Case.objects.select_related("resident", "representative", "service_area", "handler").filter(reference=reference),
    str,
)
THEMES = Compiled(lambda case_id: Theme.objects.filter(cases__id=case_id).order_by("name", "id"))
ADJUSTMENTS = Compiled(lambda resident_id: Adjustment.objects.filter(resident_id=resident_id).order_by("kind", "id"))
# Each list in order by its own columns (see _case_queryset's docstring in case.py).
STAGES = Compiled(lambda case_id: Stage.objects.select_related("handler").filter(case_id=case_id).order_by("number"))
EXTENSIONS = Compiled(lambda case_id: Extension.objects.filter(stage__case_id=case_id).order_by("id"))
POINTS = Compiled(lambda case_id: DecisionPoint.objects.filter(stage__case_id=case_id).order_by("position", "id"))
REMEDIES = Compiled(lambda case_id: Remedy.objects.filter(case_id=case_id).order_by("id"))
ACTIONS = Compiled(lambda case_id: OutstandingAction.objects.select_related("owner").filter(case_id=case_id).order_by("due_by", "id"))
UPDATES = Compiled(lambda case_id: ActionUpdate.objects.filter(action__case_id=case_id).order_by("given_on", "id"))
REFUSALS = Compiled(lambda case_id: Refusal.objects.filter(case_id=case_id).order_by("refused_on", "id"))


def _children(parents: list, relation: str, children: list, key: str) -> None:
    """Keep each parent's own children (in the order read) as its prefetched `relation`."""
    by_parent = defaultdict(list)
    for child in children:
        by_parent[getattr(child, key)].append(child)
    for parent in parents:
        attach(parent, relation, by_parent.get(parent.pk, []))


def read_case(reference: str) -> Case | None:
    """The case with everything its page lists, or None when no case has that reference.
    Only for the staff case page, after its access check (cases.access)."""
    found = CASE.models(reference)
    if not found:
        return None
    case = found[0]
    attach(case, "themes", THEMES.models(case.pk))
    if case.resident is not None:
        attach(case.resident, "adjustments", ADJUSTMENTS.models(case.resident_id))
    stages = STAGES.models(case.pk)
    attach(case, "stages", stages)
    if stages:  # a service request has none, and nothing under them to ask for
        _children(stages, "extensions", EXTENSIONS.models(case.pk), "stage_id")
        _children(stages, "points", POINTS.models(case.pk), "stage_id")
    attach(case, "remedies", REMEDIES.models(case.pk))
    actions = ACTIONS.models(case.pk)
    attach(case, "actions", actions)
    if actions:
        _children(actions, "updates", UPDATES.models(case.pk), "action_id")
    attach(case, "refusals", REFUSALS.models(case.pk))
    return case

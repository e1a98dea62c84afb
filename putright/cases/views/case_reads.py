"""What the case page reads about its case: each question's SQL written by the ORM once.

The case with its people, then one query per relation it lists (themes, the resident's
adjustments, stages with their extensions and decision points, remedies, actions with their
updates, refusals), sent together, each kept on the case as prefetch_related would keep it, so
the template and the rules read `case.stages.all()` and the rest without a query. Each is a `Compiled` query
(putright/performance/compiled.py): on every request only its values change, and the ORM's half
a millisecond of building and compiling per query is spent once per process.

The action pages still use `_case_queryset` (case.py): they are not the page read all day.
"""

from __future__ import annotations

from collections import defaultdict

from putright.cases.models import (
    ActionUpdate, Case, DecisionPoint, Extension, OutstandingAction, Refusal, Remedy, Stage, Theme,
)
from putright.performance.compiled import Compiled, attach, together
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


def find_case(reference: str) -> Case | None:
    """The case with its people, or None when no case has that reference (one query)."""
    found = CASE.models(reference)
    return found[0] if found else None


def relation_calls(case: Case) -> list[tuple]:
    """The questions of everything the page lists about `case`, by its id, for
    `performance.compiled.together`: asked all at once (one round trip on PostgreSQL), even those
    under stages and actions a case may not have, since asking costs the round trip, not the query."""
    return [
        (THEMES, "models", (case.pk,)),
        (ADJUSTMENTS, "models", (case.resident_id or 0,)),
        (STAGES, "models", (case.pk,)),
        (REMEDIES, "models", (case.pk,)),
        (ACTIONS, "models", (case.pk,)),
        (REFUSALS, "models", (case.pk,)),
        (EXTENSIONS, "models", (case.pk,)),
        (POINTS, "models", (case.pk,)),
        (UPDATES, "models", (case.pk,)),
    ]


def keep_relations(case: Case, found: list) -> Case:
    """Keep the answers to `relation_calls(case)` (in its order) on the case, as prefetch_related would."""
    themes, adjustments, stages, remedies, actions, refusals, extensions, points, updates = found
    attach(case, "themes", themes)
    if case.resident is not None:
        attach(case.resident, "adjustments", adjustments)
    attach(case, "stages", stages)
    attach(case, "remedies", remedies)
    attach(case, "actions", actions)
    attach(case, "refusals", refusals)
    _children(stages, "extensions", extensions, "stage_id")
    _children(stages, "points", points, "stage_id")
    _children(actions, "updates", updates, "action_id")
    return case


def read_case(reference: str) -> Case | None:
    """The case with everything its page lists, or None when no case has that reference: two
    round trips on PostgreSQL (the case, then every relation together). Only for a staff page,
    after its access check (cases.access)."""
    case = find_case(reference)
    if case is None:
        return None
    return keep_relations(case, together(*relation_calls(case)))

"""What retention finds due and held, as SQL over the case table: a page at a time, however many
cases there are (docs/decisions/0012-retention-in-batches.md).

- `candidates`: ended cases not yet anonymised whose kind's period has passed since they ended
  (closed, withdrawn or last refused), one WHERE clause.
- `with_holds`: each case's holds as EXISTS columns (an open Ombudsman case about it or its
  resident, an open hazard report, a current Hold), and `link_holds` for a linked case kept for
  longer, so a page of 500 cases costs a few queries, not a few per case.
- `page`: the next page of due (or held) cases, kind by kind and oldest first, by keyset
  (kind, received_on, id): no OFFSET, no list of every case in memory.
- `held_cases`: every held case, found from the few rows that can hold one (open Ombudsman
  cases, open hazard reports, current holds, linked cases), never by reading every case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from putright.cases.models import Case, Refusal
from putright.hazards.models import HazardReport
from putright.ombudsman.models import OmbudsmanCase

from .models import AnonymisedCase, Hold, RetentionSchedule

KINDS = ("complaint", "service_request", "compliment")
# The holds kept in tables of their own, as annotations each page of cases carries (True: this
# one holds the case). Links between cases: `held_by_links`, set by link_holds.
HOLD_FLAGS = ("held_ombudsman", "held_ombudsman_resident", "held_hazard", "held_hold")
# Only the columns a Due needs: a page of cases is read as small rows, never whole records.
FIELDS = ("id", "reference", "kind", "resident_id", "received_on", "closed_on", "withdrawn_on", "from_service_request_id", "related_to_id")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Due:
    case: Case
    ended_on: dt.date
    due_on: dt.date
    held: list[str]

    @property
    def reason(self) -> str:
        kind = self.case.kind.replace("_", " ")
        return f"{kind} ended {self.ended_on:%-d %B %Y}, kept until {self.due_on:%-d %B %Y}"


def cutoffs(today: dt.date, schedule: RetentionSchedule) -> dict[str, dt.date]:
    """Per kind, the day a case must have ended before to be past its period."""
    return {kind: add_years(today, -schedule.years_for(kind)) for kind in KINDS}


def _ended_before(cut: dt.date) -> Q:
    """Ended (closed, withdrawn or refused) and every one of those days before `cut`."""
    return (
        (Q(closed_on__isnull=True) | Q(closed_on__lt=cut))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__lt=cut))
        & ~Exists(Refusal.objects.filter(case=OuterRef("pk"), refused_on__gte=cut))
        & (Q(closed_on__isnull=False) | Q(withdrawn_on__isnull=False) | Exists(Refusal.objects.filter(case=OuterRef("pk"))))
    )


def past_period(today: dt.date, schedule: RetentionSchedule) -> Q:
    """Cases (open or not) whose period has passed since they ended."""
    q = Q(pk__in=[])
    for kind, cut in cutoffs(today, schedule).items():
        q |= Q(kind=kind) & _ended_before(cut)
    return q


def not_anonymised() -> Q:
    """Not anonymised: the case's own mark, which the index case_ended_not_anonymised is built on,
    and (belt and braces, one index probe) no record of an anonymisation."""
    return Q(anonymised_on__isnull=True) & ~Exists(AnonymisedCase.objects.filter(case=OuterRef("pk")))


def candidates(today: dt.date, schedule: RetentionSchedule, kind: str | None = None) -> QuerySet:
    """Ended cases not anonymised yet whose period has passed (held or not), with `last_refused_on`;
    of one kind, or every kind.

    A page is read one kind at a time: then the index of cases by (kind, received_on) gives the
    order and the bound (no case received after its kind's cut-off can have ended before it), and
    the database stops reading after the page. Every kind at once is an OR that SQLite answers by
    reading and sorting every candidate (6 s at a million cases)."""
    last_refused = Refusal.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(last=Max("refused_on")).values("last")
    cases = Case.objects.filter(is_open=False, anonymised_on__isnull=True)
    if kind is None:
        cases = cases.filter(past_period(today, schedule))
    else:
        cut = cutoffs(today, schedule)[kind]
        cases = cases.filter(kind=kind, received_on__lt=cut).filter(_ended_before(cut))
    return cases.filter(~Exists(AnonymisedCase.objects.filter(case=OuterRef("pk")))).annotate(last_refused_on=Subquery(last_refused)).only(*FIELDS)


def with_holds(cases: QuerySet, today: dt.date, schedule: RetentionSchedule) -> QuerySet:
    """`cases` with one boolean per hold kept in a table of its own (HOLD_FLAGS), each an EXISTS on
    a small index. Links between cases are worked out by `link_holds` on the rows read."""
    open_ombudsman = OmbudsmanCase.objects.filter(closed_on__isnull=True)
    return cases.annotate(
        held_ombudsman=Exists(open_ombudsman.filter(case=OuterRef("pk"))),
        held_ombudsman_resident=Exists(open_ombudsman.filter(resident__isnull=False, resident=OuterRef("resident_id"))),
        held_hazard=Exists(HazardReport.objects.filter(case=OuterRef("pk"), closed_on__isnull=True)),
        held_hold=Exists(Hold.objects.current().filter(case=OuterRef("pk"))),
    )


def link_holds(cases: list[Case], today: dt.date, schedule: RetentionSchedule) -> list[Case]:
    """Set `held_by_links` on each case: the linked cases kept for longer than it (not anonymised,
    and open or inside their own period), both ways (a complaint raised from a request, a
    complaint logged for an issue raised in another: Code 1.5, 6.8). At most three small queries
    for the whole list, on the partial indexes of the few linked cases. Returns `cases`."""
    ids = [c.pk for c in cases]
    others: dict[int, list[int]] = {c.pk: [o for o in (c.from_service_request_id, c.related_to_id) if o] for c in cases}
    if ids:
        pointing = Case.objects.filter(
            Q(from_service_request__isnull=False, from_service_request_id__in=ids) | Q(related_to__isnull=False, related_to_id__in=ids)
        ).order_by()
        for pk, from_request, related in pointing.values_list("pk", "from_service_request_id", "related_to_id"):
            for target in (from_request, related):
                if target in others:
                    others[target].append(pk)
    linked = {o for os in others.values() for o in os}
    kept = set()
    if linked:
        done_or_due = set(candidates(today, schedule).filter(pk__in=linked).values_list("pk", flat=True))
        done_or_due |= set(Case.objects.filter(pk__in=linked).exclude(not_anonymised()).values_list("pk", flat=True))
        kept = linked - done_or_due
    for case in cases:
        case.held_by_links = [o for o in dict.fromkeys(others[case.pk]) if o in kept]
    return cases


def no_hold() -> Q:
    return Q(**{flag: False for flag in HOLD_FLAGS})


def any_hold() -> Q:
    q = Q(pk__in=[])
    for flag in HOLD_FLAGS:
        q |= Q(**{flag: True})
    return q


def is_held(case: Case) -> bool:
    return any(getattr(case, flag) for flag in HOLD_FLAGS) or bool(case.held_by_links)


def to_due(case: Case, schedule: RetentionSchedule) -> Due:
    end = max(d for d in (case.closed_on, case.withdrawn_on, case.last_refused_on) if d is not None)
    return Due(case, end, add_years(end, schedule.years_for(case.kind)), [])


# Where a list of candidates has reached: (kind, received_on, id), in the order kind by kind
# (KINDS), then oldest first. None: the start.
Cursor = tuple[str, dt.date, int]


def cursor_of(case: Case) -> Cursor:
    return (case.kind, case.received_on, case.pk)


def page(today: dt.date, schedule: RetentionSchedule, *, cursor: Cursor | None = None, size: int = 500, held: bool | None = None) -> list[Case]:
    """The next `size` candidates after `cursor`, kind by kind and oldest first, with their holds
    (`is_held`); only the due ones (held=False), only the held ones (True), or both (None). One
    query for each kind it reaches, and `link_holds`' few."""
    found: list[Case] = []
    while len(found) < size:
        kinds = KINDS[KINDS.index(cursor[0]):] if cursor else KINDS
        read: list[Case] = []
        for kind in kinds:
            cases = with_holds(candidates(today, schedule, kind), today, schedule)
            if cursor and cursor[0] == kind:
                received_on, pk = cursor[1], cursor[2]
                # A range on received_on first, then the tie-break: written as an OR alone, SQLite
                # reads two other indexes and sorts (1.1 s a page, against 5 ms).
                cases = cases.filter(Q(received_on__gte=received_on) & (Q(received_on__gt=received_on) | Q(pk__gt=pk)))
            if held is False:
                cases = cases.filter(no_hold())
            read += list(cases.order_by("received_on", "id")[: size - len(found) - len(read)])
            if len(found) + len(read) >= size:
                break
        if not read:
            break
        link_holds(read, today, schedule)
        found += [c for c in read if held is None or is_held(c) == held]
        cursor = cursor_of(read[-1])
    return found


def cursor_to_json(cursor: Cursor | None):
    return None if cursor is None else [cursor[0], cursor[1].isoformat(), cursor[2]]


def cursor_from_json(value) -> Cursor | None:
    if not value:
        return None
    kind, day, pk = value
    if kind not in KINDS:
        return None
    return (kind, dt.date.fromisoformat(day), int(pk))


def explain_holds(items: list[Due], today: dt.date, schedule: RetentionSchedule) -> None:
    """Fill in each held item's reasons in plain English: two queries for the whole list."""
    held = [d for d in items if is_held(d.case)]
    if not held:
        return
    holds: dict[int, list[Hold]] = {}
    for hold in Hold.objects.current().filter(case_id__in=[d.case.pk for d in held]).order_by("placed_on", "id"):
        holds.setdefault(hold.case_id, []).append(hold)
    references = dict(Case.objects.filter(pk__in={o for d in held for o in d.case.held_by_links}).values_list("pk", "reference"))
    for d in held:
        case = d.case
        if case.held_ombudsman or case.held_ombudsman_resident:
            d.held.append("an Ombudsman case is open")
        if case.held_hazard:
            d.held.append("an Awaab's Law hazard report is open")
        for hold in holds.get(case.pk, []):
            d.held.append(f"{hold.get_reason_display().lower()} (hold placed {hold.placed_on:%-d %B %Y})")
        for other in case.held_by_links:
            d.held.append(f"linked case {references[other]} is kept for longer")


def possibly_held_ids() -> set[int]:
    """Every case something could hold: few, whatever the number of cases."""
    open_ombudsman = OmbudsmanCase.objects.filter(closed_on__isnull=True)
    ids = set(open_ombudsman.filter(case__isnull=False).values_list("case_id", flat=True))
    ids |= set(Case.objects.filter(resident__in=open_ombudsman.filter(resident__isnull=False).values("resident_id")).values_list("pk", flat=True))
    ids |= set(HazardReport.objects.filter(closed_on__isnull=True).values_list("case_id", flat=True))
    ids |= set(Hold.objects.current().values_list("case_id", flat=True))
    # No order: the partial indexes of the few linked cases, not a walk of the whole table.
    for pk, other in Case.objects.filter(from_service_request__isnull=False).order_by().values_list("pk", "from_service_request_id"):
        ids |= {pk, other}
    for pk, other in Case.objects.filter(related_to__isnull=False).order_by().values_list("pk", "related_to_id"):
        ids |= {pk, other}
    ids.discard(None)
    return ids


def held_cases(today: dt.date, schedule: RetentionSchedule, chunk: int = 500) -> list[Case]:
    """Every held candidate, oldest first, with its hold flags."""
    ids = sorted(possibly_held_ids())
    found = []
    for start in range(0, len(ids), chunk):
        cases = link_holds(list(with_holds(candidates(today, schedule).filter(pk__in=ids[start:start + chunk]), today, schedule)), today, schedule)
        found += [c for c in cases if is_held(c)]
    return sorted(found, key=lambda c: (KINDS.index(c.kind), c.received_on, c.pk))


def iter_candidates(today: dt.date, schedule: RetentionSchedule, *, cursor=None, size: int = 500) -> Iterator[list[Case]]:
    """Pages of candidates (due and held) from `cursor` to the end."""
    while True:
        cases = page(today, schedule, cursor=cursor, size=size)
        if not cases:
            return
        yield cases
        cursor = cursor_of(cases[-1])

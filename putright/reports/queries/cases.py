"""The cases behind a figure: a Case queryset built from the same filters as the count, so the
list and the number always agree."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, Refusal, Stage
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Kind

from .. import periods
from ..periods import Period
from .definitions import NOT_RECORDED, REFUSAL_REASONS, STAGES, TENURES
from .filters import _between, _counted_late, _entered_late, _financial_remedies, _open_q, _stage1_decision, _stage_q

# --- the cases behind a figure -------------------------------------------------------------------


def _period(year: int, quarter: int | None) -> Period:
    return periods.reporting_year(year) if quarter is None else periods.quarter(year, quarter)


def _cases_with_stage(number: int, q: Q) -> QuerySet:
    return Case.objects.filter(Exists(Stage.objects.filter(q, case_id=OuterRef("pk"), number=number)))


def case_filters(year: int, figure_key: str, *, quarter: int | None = None) -> QuerySet:
    """The cases behind a figure of ``annual_figures(year)`` (or ``quarter_figures``): a Case
    queryset whose count is the figure. ``figure_key`` is the figure's path in the JSON, such as
    ``stage1.received``, ``stage1.decisions.upheld``, ``stage2.changed_from_stage1``,
    ``refused.by_reason.over_12_months`` or ``refused.by_stage.stage2.total``.

    Raises KeyError for a key that names no countable figure.
    """
    period = _period(year, quarter)
    head, _, rest = figure_key.partition(".")
    if head in ("stage1", "stage2") and rest.startswith("within_timescale_by_tenure."):
        _, tenure, field = (rest.split(".") + [""])[:3]
        if tenure not in (*TENURES, "not_recorded") or field not in ("responded", "within_timescale"):
            raise KeyError(figure_key)
        return case_filters(year, f"{head}.{field}", quarter=quarter).filter(tenure="" if tenure == "not_recorded" else tenure)
    if head in ("stage1", "stage2") and rest:
        number = int(head[-1])
        if rest in ("within_timescale", "late"):
            late = [case_id for _, case_id, _ in _counted_late((number,), period, landlord_calendar())]
            if rest == "within_timescale":
                return _cases_with_stage(number, _stage_q(number, "within_timescale", period)).exclude(pk__in=late)
            responded_late = _between("responded_on", period) & Q(responded_on__gt=F("respond_by"))
            return Case.objects.filter(
                Q(Exists(Stage.objects.filter(responded_late, case_id=OuterRef("pk"), number=number))) | Q(pk__in=late)
            )
        if rest == "within_timescale_without_extensions":
            entered = [case_id for _, case_id, _, within_code in _entered_late((number,), period)[0] if within_code]
            return _cases_with_stage(number, _stage_q(number, rest, period)).exclude(pk__in=entered)
        if rest == "acknowledged_within_timescale":
            return _cases_with_stage(number, _stage_q(number, rest, period) & Q(acknowledgement_counts_late=False))
        if rest == "changed_from_stage1" and number == 2:
            return _cases_with_stage(2, _between("responded_on", period) & ~Q(decision=_stage1_decision()))
        return _cases_with_stage(number, _stage_q(number, rest, period))
    if head == "refused":
        refusals = Refusal.objects.filter(_between("refused_on", period), case_id=OuterRef("pk"))
        parts = rest.split(".")
        if parts[0] == "by_stage" and len(parts) >= 3 and parts[1] in ("stage1", "stage2"):
            refusals = refusals.filter(stage_number=int(parts[1][-1]))
            parts = parts[2:]
        if parts == ["total"]:
            return Case.objects.filter(Exists(refusals))
        if len(parts) == 2 and parts[0] == "by_reason" and parts[1] in REFUSAL_REASONS:
            return Case.objects.filter(Exists(refusals.filter(reason=parts[1])))
        if len(parts) >= 2 and parts[0] == "other_by_about":
            text = ".".join(parts[1:])
            other = refusals.filter(reason=RefusalReason.OTHER)
            return Case.objects.filter(Exists(other.filter(about="") if text == NOT_RECORDED else other.filter(about=text)))
        raise KeyError(figure_key)
    if figure_key == "withdrawn":
        return Case.objects.filter(_between("withdrawn_on", period), kind=Kind.COMPLAINT)
    if head == "open_at_end" and rest in ("stage1", "stage2", "total"):
        numbers = STAGES if rest == "total" else (int(rest[-1]),)
        stages = Stage.objects.filter(_open_q(period.end, numbers), case_id=OuterRef("pk"))
        return Case.objects.filter(Exists(stages))
    if head == "themes" and rest:
        return _cases_with_stage(1, _stage_q(1, "received", period)).filter(themes__name=rest)
    if head in ("service_requests", "compliments") and rest:
        kind = Kind.SERVICE_REQUEST if head == "service_requests" else Kind.COMPLIMENT
        cases = Case.objects.filter(_between("received_on", period), kind=kind)
        if rest == "total":
            return cases
        area = rest.removeprefix("by_service_area.")
        if area == rest:
            raise KeyError(figure_key)
        return cases.filter(service_area__isnull=True) if area == NOT_RECORDED else cases.filter(service_area__name=area)
    if head == "compensation":
        remedies = _financial_remedies(period)
        if rest == "total.cases":
            return Case.objects.filter(pk__in=remedies.values("case_id"))
        if rest.startswith("by_payment_method.") and rest.endswith(".cases"):
            method = rest.split(".")[1]
            return Case.objects.filter(pk__in=remedies.filter(payment_method=method).values("case_id"))
        raise KeyError(figure_key)
    raise KeyError(figure_key)

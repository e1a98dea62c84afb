"""The service path for named roles and the governing body's receipt of reports.

Managers and administrators record them (docs/roles.md); oversight reads. Each refusal raises
`RuleViolation` naming its provision; nothing is half saved.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from putright.cases.actions.checks import check_date, check_manager, format_date, require_text, resolve_today
from putright.reports import periods
from putright.rules.errors import RuleViolation

from .models import ROLE_PROVISIONS, NamedRole, ReportReceipt, RoleKind


@transaction.atomic
def appoint(kind: RoleKind | str, *, name: str, starts_on: dt.date, job_title: str = "", actor=None,
            today: dt.date | None = None) -> NamedRole:
    """Name who holds a role from ``starts_on``; the previous holder's time ends the day before."""
    check_manager(actor, "name who holds a complaints role")
    today = resolve_today(today)
    try:
        kind = RoleKind(kind)
    except ValueError:
        raise RuleViolation("Choose the role.", field="kind")
    provision = ROLE_PROVISIONS[kind]
    name = require_text(name, "name", f"Enter who is the {kind.label.lower()}.", provision=provision)
    check_date(starts_on, "starts_on", "they started", today=today)
    current = NamedRole.objects.select_for_update().filter(kind=kind, ends_on__isnull=True).first()
    if current is not None:
        if starts_on <= current.starts_on:
            raise RuleViolation(
                f"{current.name} holds this role from {format_date(current.starts_on)}: the new holder must start after that.",
                field="starts_on",
            )
        current.ends_on = starts_on - dt.timedelta(days=1)
        current.save(update_fields=["ends_on"])
    return NamedRole.objects.create(kind=kind, name=name, job_title=(job_title or "").strip(), starts_on=starts_on, created_by=actor)


def holders(start: dt.date, end: dt.date) -> dict[str, list[NamedRole]]:
    """Everyone who held each role at any time from ``start`` to ``end``, earliest first."""
    out: dict[str, list[NamedRole]] = {k.value: [] for k in RoleKind}
    for role in NamedRole.objects.filter(starts_on__lte=end).exclude(ends_on__lt=start).order_by("starts_on", "id"):
        out[role.kind].append(role)
    return out


@transaction.atomic
def record_receipt(*, year: int, quarter: int = 0, received_on: dt.date, response: str, meeting: str = "", actor=None,
                   today: dt.date | None = None) -> ReportReceipt:
    """The governing body received the annual report of ``year`` (``quarter`` 0, 8.2) or a
    quarterly report (9.6), on ``received_on``, and responded."""
    check_manager(actor, "record the governing body's receipt of a report")
    today = resolve_today(today)
    if quarter not in (0, 1, 2, 3, 4):
        raise RuleViolation("Choose the annual report or a quarter from 1 to 4.", field="quarter")
    period = periods.reporting_year(year) if quarter == 0 else periods.quarter(year, quarter)
    what = f"the {periods.year_label(year)} annual report" if quarter == 0 else f"the {periods.year_label(year)} quarter {quarter} report"
    provision = "8.2" if quarter == 0 else "9.6"
    check_date(received_on, "received_on", "the governing body received it", today=today,
               not_before=(period.end, "the end of the period it reports on"))
    response = require_text(response, "response", "Enter the governing body's response.", provision=provision)
    if ReportReceipt.objects.filter(year=year, quarter=quarter).exists():
        raise RuleViolation(f"The governing body's receipt of {what} is already recorded.", field="quarter")
    return ReportReceipt.objects.create(year=year, quarter=quarter, received_on=received_on, meeting=(meeting or "").strip(),
                                        response=response, created_by=actor)

"""The named roles (4.1, 9.4, 9.5) and the governing body's receipt of the year's reports (8.2
on the annual report, 9.6 on the quarterly ones), from `putright.governance`."""

from __future__ import annotations

from putright.governance.actions import holders
from putright.governance.models import ROLE_PROVISIONS, ReportReceipt, RoleKind
from putright.reports.periods import Period

from .base import Evidence, long_date, plural


def _role(kind: RoleKind, held: list, period: Period, label: str) -> Evidence:
    """A failure when nobody held the role on some day of the year (up to today while it runs)."""
    names = "; ".join(f"{r.name}{', ' + r.job_title if r.job_title else ''} from {long_date(r.starts_on)}"
                      + (f" to {long_date(r.ends_on)}" if r.ends_on else "") for r in held)
    covered_from = min((r.starts_on for r in held), default=None)
    gap = covered_from is None or covered_from > period.start
    # Holders are consecutive (an appointment ends the previous one the day before), so the only
    # gap is before the first holder, or after one who left with nobody after them.
    last = max(held, key=lambda r: r.starts_on, default=None)
    gap = gap or (last is not None and last.ends_on is not None and last.ends_on < period.end)
    what = kind.label[0].lower() + kind.label[1:]
    return Evidence(
        provision=ROLE_PROVISIONS[kind],
        sentence=(f"The {what} in {label}: {names}." if held else f"Nobody is recorded as the {what} in {label}.")
                 + (" Part of the year has nobody recorded." if held and gap else ""),
        counts={"holders": len(held), "whole_year": not gap},
        failures=1 if gap else 0,
        failure_text=f"no {what} recorded for all or part of {label}",
    )


def governance(year: int, period: Period, label: str) -> list[Evidence]:
    held = holders(period.start, period.end)
    items = [_role(kind, held[kind.value], period, label) for kind in RoleKind]
    receipts = {r.quarter: r for r in ReportReceipt.objects.filter(year=year)}
    quarters = sorted(q for q in receipts if q)
    items.append(Evidence(
        provision="9.6",
        sentence=(f"The governing body is recorded as receiving {plural(len(quarters), 'quarterly report')} for {label}"
                  + (": " + ", ".join(f"Q{q} on {long_date(receipts[q].received_on)}" for q in quarters) if quarters else "")
                  + ", with its response."),
        counts={"quarters_received": len(quarters)},
    ))
    annual = receipts.get(0)
    items.append(Evidence(
        provision="8.2",
        sentence=(f"The governing body received the {label} annual report on {long_date(annual.received_on)}"
                  f"{' (' + annual.meeting + ')' if annual.meeting else ''}; its response is recorded." if annual
                  else f"The governing body is not yet recorded as receiving the {label} annual report."),
        counts={"annual_report_received": annual.received_on if annual else None},
    ))
    return items

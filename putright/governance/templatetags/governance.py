"""The named roles and the governing body's receipt, in the annual report (4.1, 9.4, 9.5, 8.2)."""

from __future__ import annotations

from django import template

from putright.governance.actions import holders
from putright.governance.models import ReportReceipt, RoleKind

register = template.Library()


@register.inclusion_tag("governance/_report.html")
def governance_in_report(year, period, label):
    held = holders(period.start, period.end)
    return {
        "label": label,
        "roles": [(kind.label, held[kind.value]) for kind in RoleKind],
        "receipt": ReportReceipt.objects.filter(year=year, quarter=0).first(),
    }

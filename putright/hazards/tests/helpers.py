"""Helpers that drive hazard reports through the actions (never by saving models)."""

from __future__ import annotations

import datetime as dt

from putright.hazards import actions, kinds
from putright.hazards.models import AwareHow, HazardKind
from putright.rules.hazards import local_moment

# Thu 5 Nov 2026 16:30 GMT: investigate by Thu 19 Nov (10 working days, no bank holidays).
AWARE = local_moment(dt.datetime(2026, 11, 5, 16, 30))


def damp() -> HazardKind:
    return kinds.damp()


def raise_damp(case, *, actor=None, aware_at=AWARE, category="significant", **kw):
    kw.setdefault("description", "Black mould on the bedroom wall behind the cot.")
    kw.setdefault("home", "Flat 4, 12 River Street\nRB1 2AA")
    return actions.raise_hazard(
        case, kind=kw.pop("kind", None) or damp(), category=category, aware_at=aware_at,
        aware_how=kw.pop("aware_how", AwareHow.COMPLAINT), actor=actor, **kw,
    )

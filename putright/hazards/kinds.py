"""The hazards Awaab's Law covers, phase 1 (27 October 2025), as seed data.

Emergency hazards: every HHSRS hazard except crowding and space. Significant hazards: damp and
mould only. Later phases set `significant_from` on more rows (Settings > Hazard kinds): rows,
not code. `ensure_kinds` puts back any row missing (a new database, or a test database flushed
after the seeding migration ran); it never changes a row the landlord has edited.
"""

from __future__ import annotations

import datetime as dt

PHASE_1 = dt.date(2025, 10, 27)
DAMP = "Damp and mould growth"
NOT_EMERGENCY = {"Crowding and space"}

HHSRS = [
    DAMP,
    "Excess cold",
    "Excess heat",
    "Asbestos and manufactured mineral fibres",
    "Biocides",
    "Carbon monoxide and fuel combustion products",
    "Lead",
    "Radiation",
    "Uncombusted fuel gas",
    "Volatile organic compounds",
    "Crowding and space",
    "Entry by intruders",
    "Lighting",
    "Noise",
    "Domestic hygiene, pests and refuse",
    "Food safety",
    "Personal hygiene, sanitation and drainage",
    "Water supply",
    "Falls associated with baths etc.",
    "Falling on level surfaces etc.",
    "Falling on stairs etc.",
    "Falling between levels",
    "Electrical hazards",
    "Fire",
    "Flames, hot surfaces etc.",
    "Collision and entrapment",
    "Explosions",
    "Position and operability of amenities etc.",
    "Structural collapse and falling elements",
]


def defaults(name: str) -> dict:
    return {
        "significant_from": PHASE_1 if name == DAMP else None,
        "emergency_from": None if name in NOT_EMERGENCY else PHASE_1,
    }


def ensure_kinds(model=None) -> None:
    if model is None:
        from .models import HazardKind as model
    if model.objects.count() >= len(HHSRS):
        return
    for name in HHSRS:
        model.objects.get_or_create(name=name, defaults=defaults(name))


def damp():
    from .models import HazardKind

    ensure_kinds()
    return HazardKind.objects.get(name=DAMP)

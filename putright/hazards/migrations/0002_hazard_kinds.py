"""The hazards Awaab's Law covers, as data: phase 1 (27 October 2025).

Emergency hazards: every HHSRS hazard except crowding and space. Significant hazards: damp and
mould only. Later phases set `significant_from` on more rows (Settings > Hazard kinds).
"""

import datetime as dt

from django.db import migrations

PHASE_1 = dt.date(2025, 10, 27)

HHSRS = [
    "Damp and mould growth",
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


def seed(apps, schema_editor):
    HazardKind = apps.get_model("hazards", "HazardKind")
    for name in HHSRS:
        HazardKind.objects.get_or_create(
            name=name,
            defaults=dict(
                significant_from=PHASE_1 if name == "Damp and mould growth" else None,
                emergency_from=None if name == "Crowding and space" else PHASE_1,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The landlord's name and contact details for every page's header and footer.

Read on every page, edited perhaps once a year: each web worker keeps the row it read for
PUTRIGHT_LANDLORD_CACHE_SECONDS (10 unless set), instead of one query a page (issue 19). Saving
the settings clears the copy in the process that saved them at once; the other workers read the
new values within those seconds. Only what pages show comes from here: letters and other
documents read the settings themselves (`LandlordSettings.load()`), fresh each time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.functional import SimpleLazyObject

_kept: dict = {}


def landlord(request):
    """The landlord settings, loaded lazily (a page that shows none of them makes no query)."""
    return {"landlord": SimpleLazyObject(current_landlord)}


def current_landlord():
    from putright.cases.models import LandlordSettings

    seconds = settings.PUTRIGHT_LANDLORD_CACHE_SECONDS
    now = time.monotonic()
    kept = _kept.get("row")
    if kept is not None and now - _kept["at"] < seconds:
        return kept
    row = LandlordSettings.load()
    if seconds > 0:
        _kept.update(row=row, at=now)
    return row


def forget_landlord(**kwargs) -> None:
    _kept.clear()


post_save.connect(forget_landlord, sender="cases.LandlordSettings", dispatch_uid="putright-landlord-kept")
post_delete.connect(forget_landlord, sender="cases.LandlordSettings", dispatch_uid="putright-landlord-kept-delete")

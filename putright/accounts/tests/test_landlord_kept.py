"""The landlord's name on every page without a query a page (issue 19): each process keeps the
settings it read for PUTRIGHT_LANDLORD_CACHE_SECONDS; a save clears them at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.accounts import context
from putright.cases.models import LandlordSettings


@pytest.fixture
def kept(settings, monkeypatch):
    settings.PUTRIGHT_LANDLORD_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(context.time, "monotonic", lambda: clock[0])
    context.forget_landlord()
    yield clock
    context.forget_landlord()


def _page(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/account/password/").content.decode()
    return html, sum("cases_landlordsettings" in q["sql"] for q in queries.captured_queries)


def test_pages_read_the_landlord_settings_once_in_a_while_and_a_save_shows_at_once(client, handler, kept):
    LandlordSettings.objects.update_or_create(pk=1, defaults={"name": "Riverside Homes"})
    client.force_login(handler)
    html, reads = _page(client)
    assert "Riverside Homes" in html and reads == 1
    html, reads = _page(client)
    assert "Riverside Homes" in html and reads == 0  # kept

    settings_row = LandlordSettings.load()
    settings_row.name = "Brookside Housing"
    settings_row.save()  # as the Settings page does, in this process
    html, reads = _page(client)
    assert "Brookside Housing" in html and "Riverside Homes" not in html and reads == 1

    # Another process's save is not seen here until the kept copy is 10 seconds old.
    LandlordSettings.objects.filter(pk=1).update(name="Meadow Homes")
    assert "Brookside Housing" in _page(client)[0]
    kept[0] += 9.9
    assert "Brookside Housing" in _page(client)[0]
    kept[0] += 0.2
    html, reads = _page(client)
    assert "Meadow Homes" in html and reads == 1


def test_nothing_is_kept_when_the_setting_is_zero(client, handler, kept, settings):
    settings.PUTRIGHT_LANDLORD_CACHE_SECONDS = 0
    LandlordSettings.load()
    client.force_login(handler)
    assert _page(client)[1] == 1
    assert _page(client)[1] == 1

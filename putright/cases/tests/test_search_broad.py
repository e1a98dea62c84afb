"""A search naming more residents than it looks up (search.MAX_RESIDENTS): the same residents
every time, those on record longest, and the queue says the search was too broad.

On PostgreSQL the residents were the first a scan of the table met, and a scan of a large table
starts where another one is (synchronize_seqscans): each request, the page's total and its "Next"
page had a thousand residents of their own. Here a few residents' rows are rewritten, so the
table's order is not the ids' order, as years of corrections leave it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from putright.cases import search
from putright.cases.tests import factories as f
from putright.residents.models import Resident

QUEUE = reverse("cases:queue")
CAP = search.MAX_RESIDENTS


@pytest.fixture
def namesakes(db):
    """CAP + 2 residents called "Ashworth …", the first two of them renamed since (their rows
    rewritten: last in the table's own order), in id order."""
    Resident.objects.bulk_create([Resident(name=f"Ashworth {n:04d}") for n in range(CAP + 2)])
    people = list(Resident.objects.filter(name__startswith="Ashworth").order_by("pk"))
    for person in people[:2]:
        person.name += " Hale"
        person.save(update_fields=["name"])
    return people


def test_the_same_residents_every_time_those_on_record_longest(namesakes):
    first = [p.pk for p in namesakes[:CAP]]
    for _ in range(3):
        found = search.found_residents(search.Query("ashworth"))
        assert found.ids == first
        assert found.more is True


def test_a_search_within_the_limit_says_nothing_was_left_out(namesakes):
    found = search.found_residents(search.Query("hale"))
    assert found.ids == [p.pk for p in namesakes[:2]]
    assert found.more is False


def test_the_queue_lists_the_cases_of_those_residents_and_says_the_search_was_too_broad(client, handler, today, namesakes):
    kept = [f.log_complaint(resident=p, handler=handler, today=today).reference for p in namesakes[:2]]
    left_out = f.log_complaint(resident=namesakes[-1], handler=handler, today=today).reference
    client.force_login(handler)
    html = client.get(QUEUE, {"q": "ashworth"}).content.decode()
    for reference in kept:
        assert f'href="/cases/{reference}/"' in html
    assert f'href="/cases/{left_out}/"' not in html
    assert 'id="search-capped"' in html
    assert f"More than {CAP:,} residents match “ashworth”" in html
    assert "<strong>2</strong> cases found" in html

    narrower = client.get(QUEUE, {"q": "hale"}).content.decode()
    assert 'id="search-capped"' not in narrower
    assert all(f'href="/cases/{reference}/"' in narrower for reference in kept)

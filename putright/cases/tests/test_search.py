"""The one search box: a case by reference, a resident's cases by name, phone, email, postcode,
tenancy reference or UPRN, from the queue and from the header of every staff page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from putright.cases import search
from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.residents.models import Resident
from putright.rules.lifecycle import State

QUEUE = reverse("cases:queue")


def references(response) -> set[str]:
    html = response.content.decode()
    return {c.reference for c in Case.objects.all() if f'href="/cases/{c.reference}/">{c.reference}</a>' in html}


@pytest.fixture
def tenant(db):
    return Resident.objects.create(
        name="Grace O'Malley", email="Grace.OMalley@example.org", phone="07700 900123", postcode="SW1A 1AA",
        tenancy_reference="TEN-4471", uprn="100023336956",
    )


@pytest.fixture
def cases(tenant, resident, handler, today):
    return {
        "open": f.log_complaint(resident=tenant, handler=handler, today=today),
        "closed": f.complaint_at(State.CLOSED, resident=tenant, handler=handler, today=today),
        "other": f.log_complaint(resident=resident, handler=handler, today=today),
    }


@pytest.mark.parametrize(
    "text",
    [
        "07700900123", "07700 900123", "07700 900 123", "07700-900-123", "(07700) 900123", "+44 7700 900123",
        "+447700900123", "sw1a 1aa", "SW1A1AA", "grace.omalley@example.org", "ten-4471", "100023336956",
        "O'Malley", "grace",
    ],
)
def test_it_finds_a_residents_cases_open_and_closed_by_any_detail(client, handler, cases, text):
    client.force_login(handler)
    response = client.get(QUEUE, {"q": text})
    assert response.status_code == 200
    assert references(response) == {cases["open"].reference, cases["closed"].reference}
    assert "found, open and closed" in response.content.decode()


def test_it_opens_the_case_a_reference_names(client, handler, cases):
    client.force_login(handler)
    case = cases["other"]
    number = case.reference.rsplit("-", 1)[1]  # "000003"
    for text in (case.reference, case.reference.lower(), case.reference.replace("-", " "), number, str(int(number)), f"2026-{int(number)}"):
        response = client.get(QUEUE, {"q": text})
        assert response.status_code == 302, text
        assert response["Location"] == reverse("cases:detail", args=[case.reference])


def test_it_lists_every_year_a_bare_number_was_issued_in(client, handler, cases, resident, today):
    from putright.cases.models import ReferenceCounter

    ReferenceCounter.objects.create(year=2025, last=5)
    older = Case.objects.get(pk=f.log_complaint(resident=resident, today=today).pk)
    Case.objects.filter(pk=older.pk).update(reference="PR-2025-000001")
    first = Case.objects.get(reference="PR-2026-000001")
    client.force_login(handler)
    response = client.get(QUEUE, {"q": "000001"})
    assert response.status_code == 200
    assert references(response) == {"PR-2025-000001", first.reference}


def test_it_says_when_nothing_matches(client, handler, cases):
    client.force_login(handler)
    response = client.get(QUEUE, {"q": "07999 000000"})
    assert references(response) == set()
    assert "No case or resident matches “07999 000000”" in response.content.decode()


def test_residents_found_with_no_case_in_the_list_are_not_said_not_to_exist(client, handler, cases):
    """Filters that leave none of the residents' cases: how many residents match, and a link to
    the same search of every case (where their cases are)."""
    client.force_login(handler)
    html = client.get(QUEUE, {"q": "grace", "kind": "service_request"}).content.decode()
    assert "No case or resident matches" not in html
    assert "“grace” matches 1 resident, but none of their cases is in this list." in html
    assert '<a class="govuk-link" href="?q=grace">Search every case, open and closed</a>' in html
    assert references(client.get(QUEUE + "?q=grace")) == {cases["open"].reference, cases["closed"].reference}
    html = client.get(QUEUE, {"q": "sw1a 1aa", "cases": "mine", "state": "withdrawn"}).content.decode()
    assert "“sw1a 1aa” matches 1 resident, but none of their cases is in this list." in html
    assert 'href="?q=sw1a+1aa"' in html


def test_a_resident_with_no_case_is_found_all_the_same(client, handler, cases):
    Resident.objects.create(name="Ola Nordmann", postcode="LS6 2AA")
    Resident.objects.create(name="Kari Nordmann", postcode="LS6 2AA")
    client.force_login(handler)
    html = client.get(QUEUE, {"q": "nordmann"}).content.decode()
    assert "“nordmann” matches 2 residents, but none of them has a case." in html
    assert "Search every case" not in html and "No case or resident matches" not in html
    assert "“ola” matches 1 resident, but they have no case." in client.get(QUEUE, {"q": "ola"}).content.decode()


def test_a_phone_number_does_not_match_a_name_or_a_short_number(cases):
    assert search.phone_variants(search.Query("07700 900123")) == ["+447700900123", "07700900123", "447700900123"]
    assert search.phone_variants(search.Query("Grace")) == []
    assert search.phone_variants(search.Query("123")) == []


def test_it_searches_within_the_other_filters(client, handler, cases):
    client.force_login(handler)
    response = client.get(QUEUE, {"q": "07700900123", "state": ""})  # "Any open"
    assert references(response) == {cases["open"].reference}


def test_the_header_of_every_staff_page_has_the_search_box(client, oversight, cases):
    client.force_login(oversight)  # reading is enough to search
    for url in (QUEUE, reverse("cases:detail", args=[cases["open"].reference]), reverse("reports:index")):
        html = client.get(url).content.decode()
        assert f'<form method="get" action="{QUEUE}" role="search"' in html, url
        assert 'name="q" type="search"' in html


def test_the_resident_site_has_no_staff_search(client, cases):
    html = client.get("/").content.decode()
    assert 'role="search"' not in html


def test_it_finds_the_cases_of_every_resident_sharing_a_postcode_or_a_name(client, handler, today):
    neighbours = [Resident.objects.create(name=f"Neighbour {n}", postcode="LS1 4AP") for n in "ABC"]
    found = {f.log_complaint(resident=r, handler=handler, today=today).reference for r in neighbours}
    elsewhere = f.log_complaint(resident=Resident.objects.create(name="Someone Else", postcode="LS2 9JT"), handler=handler, today=today)
    client.force_login(handler)
    for text in ("ls1 4ap", "LS14AP", "neighbour"):
        response = client.get(QUEUE, {"q": text})
        assert references(response) == found, text
    assert references(client.get(QUEUE, {"q": "someone"})) == {elsewhere.reference}


def test_part_of_a_name_is_matched_as_typed_not_as_a_pattern(client, handler, today):
    """The text is a value of the SQL: a % or _ in it means that character, not "anything"."""
    plain = f.log_complaint(resident=Resident.objects.create(name="Anna Smith"), handler=handler, today=today)
    marked = f.log_complaint(resident=Resident.objects.create(name="Anna_Smith 100%"), handler=handler, today=today)
    client.force_login(handler)
    assert references(client.get(QUEUE, {"q": "anna_smith"})) == {marked.reference}
    assert references(client.get(QUEUE, {"q": "a%s"})) == set()
    assert references(client.get(QUEUE, {"q": "anna"})) == {plain.reference, marked.reference}


def test_a_search_s_total_comes_with_its_page_whichever_page_is_asked(client, handler, today):
    """The page's rows carry the search's total (queue_table.page_read's `counted`): every page
    says the same total, a page past the last shows the last (its total counted on its own), and
    a search that finds nothing says 0."""
    from putright.cases.views import queue

    block = [Resident.objects.create(name=f"Tower Resident {n}", postcode="LS1 4AP") for n in range(queue.PAGE_SIZE + 2)]
    found = {f.log_complaint(resident=r, handler=handler, today=today).reference for r in block}
    f.log_complaint(resident=Resident.objects.create(name="Someone Else", postcode="LS2 9JT"), handler=handler, today=today)
    client.force_login(handler)
    seen = set()
    for page, rows in (("1", queue.PAGE_SIZE), ("2", 2), ("9", 2)):
        response = client.get(QUEUE, {"q": "LS1 4AP", "page": page})
        assert response.context["page"].paginator.count == len(found) == queue.PAGE_SIZE + 2, page
        assert response.context["page"].number == (1 if page == "1" else 2)
        assert len(references(response)) == rows, page
        assert f'<strong>{len(found)}</strong> cases found' in response.content.decode()
        seen |= references(response)
    assert seen == found
    nothing = client.get(QUEUE, {"q": "LS9 9ZZ"})
    assert nothing.context["page"].paginator.count == 0 and references(nothing) == set()

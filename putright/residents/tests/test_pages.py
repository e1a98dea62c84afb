import datetime as dt

from django.urls import reverse
from django.utils import timezone

from putright.cases.tests.factories import complaint_at
from putright.residents import actions
from putright.residents.models import Restriction
from putright.rules.lifecycle import State


def test_it_lapses_an_unreviewed_restriction_and_the_reviews_page_shows_the_review(client, manager, handler, resident):
    today = timezone.localdate()
    made_on = today - dt.timedelta(days=40)
    r = actions.add_restriction(
        resident, reasons="Abusive calls.", evidence="Call logs.", restricted="Email only, to one named officer.",
        equality_considerations="No disability disclosed.", starts_on=made_on, review_by=today - dt.timedelta(days=1),
        actor=manager, today=made_on,
    )
    assert r.is_lapsed(today) and not Restriction.objects.active(today).exists()
    client.force_login(handler)
    page = client.get(reverse("ombudsman:reviews")).content.decode()
    assert "Email only, to one named officer." in page and "Lapsed" in page
    assert "1 restriction lapsed or due for review" in client.get(reverse("cases:queue")).content.decode()


def test_it_shows_active_restrictions_on_every_case_of_the_resident(client, manager, handler, resident):
    today = timezone.localdate()
    first = complaint_at(State.STAGE1_LOGGED, handler=handler, resident=resident, today=today, received_on=today)
    second = complaint_at(State.STAGE1_LOGGED, handler=handler, resident=resident, today=today, received_on=today)
    actions.add_restriction(
        resident, reasons="Abusive calls.", evidence="Call logs.", restricted="Calls to the complaints line only.",
        equality_considerations="Considered.", starts_on=today, review_by=today + dt.timedelta(days=60), actor=manager, today=today,
    )
    client.force_login(handler)
    for case in (first, second):
        page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        assert "Calls to the complaints line only." in page
        assert reverse("residents:detail", args=[resident.pk]) in page


def test_it_lets_oversight_read_but_not_change_and_handlers_not_restrict(client, oversight, handler, manager, resident):
    client.force_login(oversight)
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200
    for name in ("residents:restrict", "residents:add-adjustment"):
        assert client.post(reverse(name, args=[resident.pk]), {}).status_code == 403
    client.force_login(handler)
    assert client.get(reverse("residents:restrict", args=[resident.pk])).status_code == 403
    assert client.get(reverse("residents:add-adjustment", args=[resident.pk])).status_code == 200
    client.force_login(manager)
    response = client.post(reverse("residents:restrict", args=[resident.pk]), {"reasons": "x"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200

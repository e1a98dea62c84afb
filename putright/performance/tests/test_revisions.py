"""The revisions of the small tables every queue page reads (putright.performance.revisions): a
change to any of them draws a new one, so a process never shows the closure days or the filters'
options it kept once they have changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases.models import ClosureDay, ServiceArea, Theme
from putright.cases.tests import factories as f
from putright.performance import revisions
from putright.performance.models import Revision

pytestmark = pytest.mark.django_db


def tokens() -> dict[str, int]:
    return dict(Revision.objects.values_list("name", "token"))


def changes(name: str, change) -> bool:
    before = tokens()
    change()
    after = tokens()
    assert set(after) == set(revisions.NAMES)
    others = [n for n in revisions.NAMES if n != name]
    assert all(after[n] == before[n] for n in others), "another revision was drawn again"
    return after[name] != before[name]


def test_every_change_to_a_closure_day_draws_a_new_revision():
    day = dt.date(2026, 12, 24)
    assert changes(revisions.CLOSURE_DAYS, lambda: ClosureDay.objects.create(day=day, label="Office closed"))
    assert changes(revisions.CLOSURE_DAYS, lambda: ClosureDay.objects.filter(day=day).update(label="Christmas Eve"))
    assert changes(revisions.CLOSURE_DAYS, lambda: ClosureDay.objects.filter(day=day).update(day=day + dt.timedelta(days=7)))
    assert changes(revisions.CLOSURE_DAYS, lambda: ClosureDay.objects.all().delete())


def test_every_change_to_what_the_filters_offer_draws_a_new_revision(handler):
    area = ServiceArea.objects.create(name="Repairs")
    theme = Theme.objects.create(name="Delay")
    assert changes(revisions.FILTER_OPTIONS, lambda: ServiceArea.objects.create(name="Lettings"))
    assert changes(revisions.FILTER_OPTIONS, lambda: ServiceArea.objects.filter(pk=area.pk).update(name="Repairs and damp"))
    assert changes(revisions.FILTER_OPTIONS, lambda: Theme.objects.filter(pk=theme.pk).update(name="Delays"))
    assert changes(revisions.FILTER_OPTIONS, lambda: Theme.objects.filter(pk=theme.pk).delete())
    made = {}
    assert changes(revisions.FILTER_OPTIONS, lambda: made.setdefault("user", User.objects.create_user("nia", role=Role.HANDLER)))
    for field, value in (("first_name", "Harriet"), ("last_name", "Shah-Patel"), ("username", "harriet.shah"), ("role", Role.MANAGER),
                         ("is_active", False)):
        setattr(handler, field, value)
        assert changes(revisions.FILTER_OPTIONS, lambda field=field: handler.save(update_fields=[field])), field
    assert changes(revisions.FILTER_OPTIONS, lambda: made["user"].delete())


def test_a_sign_in_or_any_other_change_to_a_user_draws_none(handler):
    handler.last_login = timezone.now()
    assert not changes(revisions.FILTER_OPTIONS, lambda: handler.save(update_fields=["last_login"]))
    assert not changes(revisions.FILTER_OPTIONS, lambda: handler.save())  # saved whole, nothing the filters show changed
    handler.email = "hari@example.org"
    assert not changes(revisions.FILTER_OPTIONS, lambda: handler.save(update_fields=["email"]))


def test_ensure_draws_every_revision_again_and_puts_a_missing_one_back():
    from putright.performance import schema

    before = tokens()
    Revision.objects.filter(name=revisions.CLOSURE_DAYS).delete()
    schema.ensure(connection)
    after = tokens()
    assert set(after) == set(revisions.NAMES) and all(after[n] != before[n] for n in revisions.NAMES)


def options_shown(client) -> str:
    return client.get("/cases/?cases=all").content.decode()


def test_the_queue_offers_a_new_service_area_theme_or_handler_at_once(client, manager, handler):
    client.force_login(manager)
    page = options_shown(client)
    assert ">Flooding</option>" not in page and ">Noise</option>" not in page
    options_shown(client)  # kept by the process now
    ServiceArea.objects.create(name="Flooding")
    Theme.objects.create(name="Noise")
    page = options_shown(client)
    assert ">Flooding</option>" in page and ">Noise</option>" in page
    handler.first_name = "Harriet"
    handler.save(update_fields=["first_name"])
    assert ">Harriet</option>" in options_shown(client)
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert ">Harriet</option>" not in options_shown(client)


def test_without_its_revision_the_queue_reads_the_closure_days_every_time(client, manager, handler):
    """A revision unknown (its row gone) is never kept: the days are read before every page."""
    f.complaint_at("stage1_acknowledged", handler=handler)
    client.force_login(manager)
    soon = client.get("/cases/?cases=all&due=soon").context["counts"]["soon"]
    Revision.objects.all().delete()
    client.get("/cases/?cases=all&due=soon")
    assert revisions.kept("default", revisions.CLOSURE_DAYS) is None
    today = timezone.localdate()
    for days in range(1, 4):  # the next three days closed: due soon reaches further
        ClosureDay.objects.create(day=today + dt.timedelta(days=days), label="Closed")
    response = client.get("/cases/?cases=all&due=soon")
    from putright.cases.calendar import landlord_calendar
    from putright.rules.due import soon_until

    assert response.context["today"] == today
    assert soon_until(today, landlord_calendar()) > today + dt.timedelta(days=3)
    assert response.context["counts"]["soon"] >= soon
    assert revisions.kept("default", revisions.CLOSURE_DAYS) is None


@pytest.mark.parametrize("chosen", ["theme", "service_area", "handler"])
def test_a_filters_choice_is_checked_against_the_kept_options_and_the_database_once_they_changed(chosen, client, manager, handler, resident):
    """A service area, theme or handler chosen is not looked up on its own (a round trip on
    PostgreSQL) while the options kept are current; once they have changed (here: the choice
    removed, or switched off, by another process), the page is what the database says: the choice
    refused, the filter not applied, as Django's own lookup does."""
    from django.test.utils import CaptureQueriesContext

    area, theme = ServiceArea.objects.create(name="Repairs"), Theme.objects.create(name="Delay")
    case = f.log_complaint(handler=handler, actor=handler, resident=resident, service_area=area, themes=[theme])
    f.log_complaint(handler=manager, actor=manager)
    unused = ServiceArea.objects.create(name="Lettings")  # a case's area cannot be removed: one without cases
    chosen_pk = {"theme": theme.pk, "service_area": unused.pk, "handler": handler.pk}[chosen]
    url = f"/cases/?cases=all&{chosen}={chosen_pk}"
    client.force_login(manager)
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)
    table = {"theme": "cases_theme", "service_area": "cases_servicearea", "handler": "accounts_user"}[chosen]
    assert not [q["sql"] for q in asked.captured_queries if q["sql"].lstrip("( ").startswith("SELECT") and f'FROM "{table}"' in q["sql"]]
    assert response.context["form"].cleaned_data[chosen].pk == chosen_pk
    if chosen == "service_area":
        assert response.context["page"].paginator.count == 0
    else:
        assert response.context["page"].paginator.count == 1 and case.reference in response.content.decode()

    if chosen == "handler":
        User.objects.filter(pk=handler.pk).update(is_active=False)
    else:
        type({"theme": theme, "service_area": unused}[chosen]).objects.filter(pk=chosen_pk).delete()
    response = client.get(url)
    assert chosen in response.context["form"].errors
    assert response.context["page"].paginator.count == 2  # the filter not applied

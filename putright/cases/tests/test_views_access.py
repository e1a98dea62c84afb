"""Who may read and who may change: every URL of the staff pages, as every role.

Access is denied by default. Anonymous visitors and switched-off accounts are sent to sign in;
oversight (the Member Responsible for Complaints, the board) reads everything and changes
nothing; handlers work cases; only managers and administrators allocate, refuse and reopen. The
list of steps comes from STEPS, so a new step is covered (and must be given a spec in
test_views_forms.SPECS) automatically.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, reverse

from putright.accounts.models import Role, User
from putright.cases import actions, urls as case_urls
from putright.cases.models import Attachment, Case, CaseEvent, Direction, ServiceArea
from putright.cases.tests import factories as f
from putright.cases.tests.test_views_forms import SPECS, step_url
from putright.cases.views.case import STEPS
from putright.residents.models import Resident
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "inactive", "administrator", "manager", "handler", "oversight"]
READERS = {"administrator", "manager", "handler", "oversight"}
CHANGERS = {"administrator", "manager", "handler"}
MANAGERS = {"administrator", "manager"}
SIGN_IN = reverse("accounts:sign-in")


@pytest.fixture
def users(admin_user, manager, handler, other_handler, oversight):
    inactive = User.objects.create_user("ian", password="correct horse battery", role=Role.HANDLER, is_active=False)
    return SimpleNamespace(
        admin=admin_user, manager=manager, handler=handler, other_handler=other_handler, oversight=oversight, inactive=inactive
    )


def sign_in_as(client, users, role):
    user = {
        "anonymous": None, "inactive": users.inactive, "administrator": users.admin,
        "manager": users.manager, "handler": users.handler, "oversight": users.oversight,
    }[role]
    if user is not None:
        client.force_login(user)
    return user


def case_per_step(users, today, *, shared: bool) -> dict[str, Case]:
    """A case for each step, in a state where it is available. `shared`: steps whose specs set
    up the same state share one case (fine when nothing is changed; quicker)."""
    made: dict = {}
    cases = {}
    for slug in STEPS:
        setup = SPECS[slug].setup
        if not shared or setup not in made:
            made[setup] = setup(users, today)
        cases[slug] = made[setup]
    return cases


@pytest.fixture
def world(users, today):
    """A case where each step is available (shared between steps), plus one attachment."""
    cases = case_per_step(users, today, shared=True)
    for slug, case in cases.items():
        assert STEPS[slug].available(case, users.admin), f"the spec for {slug!r} does not set up a case where it is possible"
    item = actions.add_correspondence(
        cases["correspondence"], direction=Direction.IN, occurred_on=today, body="Photo attached.",
        files=[actions.NewFile("leak.pdf", "application/pdf", b"%PDF-1.7 leak")], actor=users.handler, today=today,
    )
    return SimpleNamespace(cases=cases, case=cases["correspondence"], attachment=Attachment.objects.get(correspondence=item))


def assert_sent_to_sign_in(response, url):
    assert response.status_code == 302, url
    assert response.url.startswith(SIGN_IN + "?next="), (url, response.url)


# --- the URL list itself ----------------------------------------------------------------------


def test_it_covers_every_url_pattern_and_every_step(users, world):
    names = {p.name for p in case_urls.urlpatterns if isinstance(p, URLPattern)}
    # late_entries (managers only) has its own role tests in test_views_late_entries.py; worklists
    # (every staff role) in test_worklists.py and the grants walk.
    assert names == {"queue", "log", "detail", "attachment", "action", "late_entries", "worklists"}, "a new URL needs a row in this matrix"
    assert len(world.cases) == len(STEPS) == len(SPECS)
    assert len(STEPS) >= 16


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_read_what_it_may(client, users, world, role):
    sign_in_as(client, users, role)
    case = world.case
    pages = {
        "queue": reverse("cases:queue"),
        "detail": reverse("cases:detail", args=[case.reference]),
        "attachment": reverse("cases:attachment", args=[case.reference, world.attachment.pk]),
        "log": reverse("cases:log"),
        "log new": reverse("cases:log") + "?resident=new",
    }
    for name, url in pages.items():
        response = client.get(url)
        if role not in READERS:
            assert_sent_to_sign_in(response, url)
        elif name.startswith("log") and role not in CHANGERS:
            assert response.status_code == 403, (role, url)
        else:
            assert response.status_code == 200, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_open_only_the_steps_it_may_take(client, users, world, role):
    sign_in_as(client, users, role)
    seen = 0
    for slug, step in STEPS.items():
        url = step_url(world.cases[slug], slug)
        response = client.get(url)
        seen += 1
        if role not in READERS:
            assert_sent_to_sign_in(response, url)
        elif role not in CHANGERS or (step.manage and role not in MANAGERS):
            assert response.status_code == 403, (role, slug)
        else:
            assert response.status_code == 200, (role, slug)
            assert step.form.title in response.content.decode()
    assert seen == len(STEPS)


@pytest.mark.parametrize("role", ["handler", "oversight", "manager"])
def test_it_shows_steps_on_the_case_page_only_to_those_who_may_take_them(client, users, world, role):
    sign_in_as(client, users, role)
    pages: dict[str, str] = {}
    for slug, step in STEPS.items():
        case = world.cases[slug]
        if case.reference not in pages:
            pages[case.reference] = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        html = pages[case.reference]
        offered = step_url(case, slug) in html
        may = role in CHANGERS and (not step.manage or role in MANAGERS)
        assert offered == may, (role, slug)
    html = client.get(reverse("cases:queue")).content.decode()
    assert (reverse("cases:log") in html) == (role in CHANGERS)


def test_it_gives_404_for_a_case_that_does_not_exist(client, users, world):
    client.force_login(users.handler)
    assert client.get(reverse("cases:detail", args=["PR-1999-000001"])).status_code == 404
    assert client.get(reverse("cases:action", args=["PR-1999-000001", "acknowledge"])).status_code == 404
    assert client.get(reverse("cases:attachment", args=["PR-1999-000001", world.attachment.pk])).status_code == 404
    client.force_login(users.oversight)
    assert client.get(reverse("cases:detail", args=["PR-1999-000001"])).status_code == 404


# --- changing -----------------------------------------------------------------------------------


def _database():
    return (
        CaseEvent.objects.count(),
        list(Case.objects.order_by("id").values_list("id", "state", "handler_id", "next_deadline_by")),
        Resident.objects.count(),
    )


@pytest.mark.parametrize("role", ["anonymous", "inactive", "oversight", "handler"])
def test_it_changes_nothing_for_a_role_that_may_not(client, users, world, role):
    """Each POST is valid: only the role stops it. A handler is only stopped on managers' steps."""
    sign_in_as(client, users, role)
    refused = 0
    for slug, step in STEPS.items():
        if role == "handler" and not step.manage:
            continue
        case = world.cases[slug]
        before = _database()
        response = client.post(step_url(case, slug), SPECS[slug].data(case, users))
        if role in READERS:
            assert response.status_code == 403, (role, slug)
        else:
            assert_sent_to_sign_in(response, slug)
        assert _database() == before, (role, slug)
        refused += 1
    assert refused == (len(STEPS) if role != "handler" else sum(s.manage for s in STEPS.values()))
    # Logging a case, for an existing or a new resident.
    resident = Resident.objects.create(name="Pat Lee")
    before = _database()
    for target in (f"?resident={resident.pk}", "?resident=new"):
        response = client.post(
            reverse("cases:log") + target,
            {"kind": "complaint", "channel": "phone", "received_on_0": "2", "received_on_1": "11", "received_on_2": "2026", "description": "Leak.", "name": "New Person"},
        )
        if role == "handler":
            assert response.status_code == 302 and "/cases/PR-" in response.url
        else:
            assert response.status_code in (302, 403)
            assert _database() == before, (role, target)


def test_it_lets_the_roles_that_may_change_post_each_step(client, users, today):
    """The mirror image of the test above: the same POSTs go through for a permitted role."""
    cases = case_per_step(users, today, shared=False)
    for slug, step in STEPS.items():
        client.force_login(users.manager if step.manage else users.handler)
        case = cases[slug]
        events = CaseEvent.objects.count()
        response = client.post(step_url(case, slug), SPECS[slug].data(case, users))
        assert response.status_code == 302, slug
        assert CaseEvent.objects.count() > events, slug


# --- the admin (Settings) -----------------------------------------------------------------------

ADMIN_PAGES = {
    "index": "/admin/",
    "service areas": "/admin/cases/servicearea/",
    "add a service area": "/admin/cases/servicearea/add/",
    "closure days": "/admin/cases/closureday/",
    "users": "/admin/accounts/user/",
    "add a user": "/admin/accounts/user/add/",
}
# role -> page -> expected status; None: sent to the admin's sign-in page.
ADMIN_EXPECTED = {
    "administrator": dict.fromkeys(ADMIN_PAGES, 200),
    "manager": {**dict.fromkeys(ADMIN_PAGES, 200), "users": 403, "add a user": 403},
    "handler": dict.fromkeys(ADMIN_PAGES),
    "oversight": dict.fromkeys(ADMIN_PAGES),
    "inactive": dict.fromkeys(ADMIN_PAGES),
    "anonymous": dict.fromkeys(ADMIN_PAGES),
}


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_the_settings_only_to_managers_and_administrators(client, users, role):
    sign_in_as(client, users, role)
    for name, url in ADMIN_PAGES.items():
        response = client.get(url)
        expected = ADMIN_EXPECTED[role][name]
        if expected is None:
            assert response.status_code == 302, (role, name)
            assert response.url.startswith("/admin/login/"), (role, name)
        else:
            assert response.status_code == expected, (role, name)
    if role in READERS:
        nav = client.get(reverse("cases:queue")).content.decode()
        assert (">Settings</a>" in nav) == (role in MANAGERS)


@pytest.mark.parametrize("role", ["anonymous", "inactive", "handler", "oversight", "manager"])
def test_it_changes_no_settings_for_a_role_that_may_not(client, users, role):
    sign_in_as(client, users, role)
    users_before = list(User.objects.order_by("id").values_list("username", "role", "is_active"))
    if role != "manager":
        client.post("/admin/cases/servicearea/add/", {"name": "Repairs", "active": "on"})
        assert not ServiceArea.objects.exists()
    client.post(
        "/admin/accounts/user/add/",
        {"username": "mallory", "password1": "a long enough pw 1", "password2": "a long enough pw 1", "role": "administrator", "usable_password": "true"},
    )
    client.post(f"/admin/accounts/user/{users.handler.pk}/change/", {"username": "hari", "role": "administrator", "is_active": "on"})
    assert list(User.objects.order_by("id").values_list("username", "role", "is_active")) == users_before


def test_it_lets_a_manager_keep_the_reference_data(client, users):
    client.force_login(users.manager)
    response = client.post("/admin/cases/servicearea/add/", {"name": "Repairs", "active": "on"})
    assert response.status_code == 302
    assert ServiceArea.objects.filter(name="Repairs").exists()


def test_it_lets_an_administrator_manage_users(client, users):
    client.force_login(users.admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "jess", "password1": "a long enough pw 1", "password2": "a long enough pw 1", "role": "handler", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="jess").role == Role.HANDLER


def test_it_keeps_cases_read_only_in_the_admin_even_for_an_administrator(client, users, today):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=users.handler, today=today)
    client.force_login(users.admin)
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    before = _database()
    client.post(f"/admin/cases/case/{case.pk}/change/", {"state": "closed"})
    client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"})
    assert _database() == before

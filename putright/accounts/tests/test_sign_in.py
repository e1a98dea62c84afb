"""Signing in and out: username and password, Argon2 hashes, and a lockout after 5 failures."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from putright import settings as project_settings
from putright.accounts.models import Role, User

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
QUEUE = reverse("cases:queue")
PASSWORD = "correct horse battery"  # conftest.py's personas


def sign_in(client, username, password, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def test_it_signs_in_and_lands_on_the_queue(client, handler):
    page = client.get(SIGN_IN)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    response = sign_in(client, "hari", PASSWORD)
    assert response.status_code == 302
    assert response.url == QUEUE
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    assert "Hari (Complaint handler)" in queue.content.decode()


def test_it_goes_back_to_the_page_asked_for(client, handler):
    asked = client.get("/cases/PR-2026-000001/")
    assert asked.status_code == 302 and asked.url == f"{SIGN_IN}?next=/cases/PR-2026-000001/"
    response = sign_in(client, "hari", PASSWORD, next="/cases/PR-2026-000001/")
    assert response.url == "/cases/PR-2026-000001/"
    # But not to another site.
    client.logout()
    response = sign_in(client, "hari", PASSWORD, next="https://evil.example/")
    assert response.url == QUEUE


def test_it_shows_a_wrong_password_in_the_error_summary(client, handler):
    response = sign_in(client, "hari", "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct username and password. Both are case-sensitive." in html
    assert "<title>Error: Sign in" in html
    assert "_auth_user_id" not in client.session


def test_it_asks_for_both_boxes(client, handler):
    html = sign_in(client, "", "").content.decode()
    assert "There is a problem" in html
    assert "Enter your username" in html and "Enter your password" in html
    assert "This field is required" not in html


def test_it_refuses_a_switched_off_account(client, handler):
    handler.is_active = False
    handler.save()
    response = sign_in(client, "hari", PASSWORD)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_a_username_after_five_wrong_passwords(client, handler, other_handler):
    for attempt in range(1, 6):
        response = sign_in(client, "hari", f"wrong {attempt}")
        assert response.status_code in (200, 429), attempt
    # The sixth attempt has the right password, and is still refused.
    response = sign_in(client, "hari", PASSWORD)
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(QUEUE).status_code == 302
    # Another username on the same computer (the same address) is not affected.
    response = sign_in(client, "olu", PASSWORD)
    assert response.status_code == 302 and response.url == QUEUE


def test_it_resets_the_count_after_a_successful_sign_in(client, handler):
    for attempt in range(4):
        sign_in(client, "hari", f"wrong {attempt}")
    assert sign_in(client, "hari", PASSWORD).status_code == 302
    client.post(SIGN_OUT)
    for attempt in range(4):
        assert sign_in(client, "hari", f"wrong again {attempt}").status_code == 200
    assert sign_in(client, "hari", PASSWORD).status_code == 302


def test_it_hashes_passwords_with_argon2(client, settings, db):
    """conftest.py swaps in a fast hasher for every test; put the project's own list back."""
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create_user("nia", password="a long pass phrase", role=Role.HANDLER)
    assert user.password.startswith("argon2$argon2id$")
    assert "a long pass phrase" not in user.password
    assert sign_in(client, "nia", "a long pass phrase").status_code == 302


def test_it_rehashes_an_older_password_with_argon2_at_sign_in(client, settings, db):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create(username="old", role=Role.HANDLER)
    User.objects.filter(pk=user.pk).update(password=make_password("an older password", hasher="pbkdf2_sha256"))
    assert sign_in(client, "old", "an older password").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_it_signs_out_by_post_only(client, handler):
    client.force_login(handler)
    assert client.get(SIGN_OUT).status_code == 405
    assert client.get(QUEUE).status_code == 200  # still signed in
    html = client.get(QUEUE).content.decode()
    assert f'<form method="post" action="{SIGN_OUT}"' in html
    response = client.post(SIGN_OUT)
    assert response.status_code == 302 and response.url == SIGN_IN
    assert client.get(QUEUE).status_code == 302


def test_it_sends_a_signed_in_user_from_the_sign_in_page_to_the_queue(client, handler):
    client.force_login(handler)
    response = client.get(SIGN_IN)
    assert response.status_code == 302 and response.url == QUEUE


def test_it_gives_each_role_its_label(db):
    labels = {role.value: role.label for role in Role}
    assert labels == {
        "administrator": "Administrator",
        "manager": "Complaints manager",
        "handler": "Complaint handler",
        "oversight": "Oversight (read only)",
    }
    oversight = User.objects.create_user("board", role=Role.OVERSIGHT)
    assert (oversight.can_read_cases, oversight.can_change_cases, oversight.can_manage_cases, oversight.is_staff) == (True, False, False, False)
    manager = User.objects.create_user("boss", role=Role.MANAGER)
    assert (manager.can_change_cases, manager.can_manage_cases, manager.is_staff) == (True, True, True)
    assert manager.has_perm("cases.change_servicearea") and manager.has_perm("cases.view_case")
    assert not manager.has_perm("cases.change_case")
    assert not manager.has_perm("accounts.view_user") and not manager.has_perm("axes.view_accessattempt")

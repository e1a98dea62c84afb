"""Security finding (High): no second factor anywhere, including /admin/."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_static.models import StaticToken

from putright.twofactor import testing

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def staff_paths() -> list[str]:
    """Every URL pattern outside the portal and the second-factor pages, identifiers filled in."""
    paths = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                paths.append("/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) in ("int", None) else "x", route).lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    public = ("/complain", "/track", "/my-cases", "/how-to-complain", "/published-reports", "/account/two-factor", "/sign-in", "/sign-out", "/admin/login")
    return sorted({p for p in paths if p != "/" and not p.startswith(public) and "(?P" not in p})


def password_sign_in(user) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return client


def test_an_administrator_reaches_no_staff_page_or_admin_without_the_second_factor(admin_user):
    paths = staff_paths()
    assert "/cases/" in paths and "/admin/" in paths and "/admin/accounts/user/" in paths and len(paths) > 40
    client = password_sign_in(admin_user)
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/set-up/"), (path, response.status_code)
    testing.device_for(admin_user)  # once an app is set up, the same pages ask for its code
    for path in ("/cases/", "/admin/", "/admin/accounts/user/1/change/"):
        assert client.get(path)["Location"].startswith("/account/two-factor/?next=")


def test_the_admin_signs_in_through_the_same_page():
    response = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/admin/accounts/user/"


def test_setting_up_an_authenticator_app_then_signing_in_with_it(manager):
    client = password_sign_in(manager)
    page = client.get("/account/two-factor/set-up/?next=/cases/")
    body = page.content.decode()
    assert "<svg" in body and "Key:" in body
    wrong = client.post("/account/two-factor/set-up/", {"code": "000000", "next": "/cases/"})
    assert "The code is not right" in wrong.content.decode()
    assert client.get("/cases/").status_code == 302
    done = client.post("/account/two-factor/set-up/", {"code": testing.current_code_unconfirmed(manager), "next": "/cases/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10 and set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert client.get("/cases/").status_code == 200
    assert client.get("/admin/").status_code == 200

    # Next time: the password, then the code from the app.
    again = password_sign_in(manager)
    assert again.get("/cases/")["Location"] == "/account/two-factor/?next=%2Fcases%2F"
    response = again.post("/account/two-factor/", {"code": testing.current_code(manager), "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert again.get("/cases/").status_code == 200


def test_a_recovery_code_works_once(manager):
    testing.device_for(manager)
    from putright.twofactor.views import new_recovery_codes

    code = new_recovery_codes(manager)[0]
    first = password_sign_in(manager)
    assert first.post("/account/two-factor/", {"code": code.upper(), "next": "/cases/"})["Location"] == "/cases/"
    second = password_sign_in(manager)
    response = second.post("/account/two-factor/", {"code": code, "next": "/cases/"})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_wrong_codes_are_throttled(manager):
    testing.device_for(manager)
    client = password_sign_in(manager)
    for _ in range(3):
        client.post("/account/two-factor/", {"code": "000000"})
    from putright.twofactor import policy

    device = policy.authenticator(manager)
    right = f"{__import__('django_otp.oath', fromlist=['TOTP']).TOTP(device.bin_key).token():06d}"
    response = client.post("/account/two-factor/", {"code": right})
    assert response.status_code == 200 and "too many wrong codes" in response.content.decode()
    assert client.get("/cases/").status_code == 302


def test_handlers_need_it_only_when_the_landlord_says_so(handler, settings):
    client = password_sign_in(handler)
    assert client.get("/cases/").status_code == 200
    settings.PUTRIGHT_TWO_FACTOR_FOR_EVERYONE = True
    assert client.get("/cases/")["Location"].startswith("/account/two-factor/set-up/")


def test_an_offsite_next_is_ignored(manager):
    client = password_sign_in(manager)
    response = client.post("/account/two-factor/", {"code": testing.current_code(manager), "next": "https://evil.example/"})
    assert response["Location"] == "/cases/"

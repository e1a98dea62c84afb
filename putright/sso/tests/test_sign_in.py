"""Single sign-on against a real OpenID provider (oidc-provider on 127.0.0.1): roles from the
group claim, no role means no access, tampered answers refused, and the second factor."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import SuspiciousOperation
from axes.models import AccessLog
from django.test import Client

from putright.accounts.models import Role, User
from putright.operations.sessions import SEEN_AT
from putright.sso.backend import SsoBackend
from putright.sso.models import SsoIdentity
from putright.sso.tests.conftest import at_provider, local, sign_in
from putright.twofactor import policy, testing
from tests import oidc_provider

pytestmark = pytest.mark.django_db


def test_a_manager_signs_in_with_the_role_their_group_maps_to(sso):
    client = Client()
    response = sign_in(client, "amina", next="/reports/")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    user = User.objects.get(username="amina")
    assert user.role == Role.MANAGER and user.email == "amina.khan@landlord.example" and user.first_name == "Amina Khan"
    assert not user.has_usable_password()
    identity = SsoIdentity.objects.get(user=user)
    assert identity.issuer == sso.issuer and identity.subject == "amina" and "putright-managers" in identity.last_groups
    # The provider checked a second factor (amr "mfa"): no PutRight code is asked for.
    assert client.session[policy.SSO_SESSION_KEY] == {"mfa": True}
    assert client.get("/cases/").status_code == 200
    # The sign-in log (django-axes) has it, as for a password.
    assert AccessLog.objects.filter(username="amina").exists()


def test_the_next_sign_in_finds_the_same_account_by_the_providers_subject(sso):
    sign_in(Client(), "ben")
    User.objects.filter(username="ben").update(email="changed@example.org", username="ben-renamed")
    sign_in(Client(), "ben")
    assert User.objects.filter(sso_identity__subject="ben").count() == 1
    assert User.objects.get(sso_identity__subject="ben").username == "ben-renamed"


def test_someone_in_no_mapped_group_gets_no_access(sso):
    client = Client()
    response = sign_in(client, "carol")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have access to PutRight yet" in page and "not in a group that has access" in page
    assert User.objects.get(username="carol").role == ""
    assert "_auth_user_id" not in client.session
    assert client.get("/cases/")["Location"].startswith("/sign-in/")


def test_leaving_the_group_takes_the_role_away_at_the_next_sign_in(sso, settings):
    assert sign_in(Client(), "ben").status_code == 302
    assert User.objects.get(username="ben").role == Role.HANDLER
    settings.PUTRIGHT_OIDC_ROLE_MAP = "putright-managers=manager"
    assert sign_in(Client(), "ben").status_code == 403
    assert User.objects.get(username="ben").role == ""


def test_without_a_mapping_an_administrator_gives_the_role(sso, settings):
    settings.PUTRIGHT_OIDC_ROLE_MAP = ""
    response = sign_in(Client(), "ben")
    assert response.status_code == 403 and "has no role yet" in response.content.decode()
    ben = User.objects.get(username="ben")
    assert ben.role == "" and not ben.can_read_cases and not ben.is_staff
    ben.role = Role.HANDLER
    ben.save()
    client = Client()
    assert sign_in(client, "ben").status_code == 302
    assert client.get("/cases/").status_code == 200
    # With no mapping the provider's groups never change the role an administrator gave.
    assert User.objects.get(username="ben").role == Role.HANDLER


def test_a_switched_off_account_cannot_sign_in(sso):
    sign_in(Client(), "ben")
    User.objects.filter(username="ben").update(is_active=False)
    client = Client()
    assert sign_in(client, "ben").status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_existing_password_account_is_not_taken_over_by_its_username(sso, settings):
    User.objects.create_user("ben", password="correct horse battery", role=Role.ADMINISTRATOR)
    response = sign_in(Client(), "ben")
    assert response.status_code == 403 and "needs to be linked" in response.content.decode()
    assert not SsoIdentity.objects.exists()
    settings.PUTRIGHT_OIDC_LINK_EXISTING = True  # the landlord moving its team onto single sign-on
    assert sign_in(Client(), "ben").status_code == 302
    assert SsoIdentity.objects.get(subject="ben").user.username == "ben"


def test_a_superuser_is_never_linked_to_the_provider(sso, settings):
    User.objects.create_superuser("dev", password="correct horse battery", role=Role.ADMINISTRATOR)
    settings.PUTRIGHT_OIDC_LINK_EXISTING = True
    assert sign_in(Client(), "dev").status_code == 403
    assert not SsoIdentity.objects.exists()


# -- tampering -----------------------------------------------------------------------------------


def test_an_answer_with_another_state_is_refused(sso):
    client = Client()
    start = client.get("/sign-in/sso/")
    back = at_provider(start["Location"], "amina")
    query = parse_qs(urlsplit(back).query)
    forged = f"/sign-in/sso/callback/?code={query['code'][0]}&state=someone-elses-state"
    response = client.get(forged)
    assert response.status_code == 400 and "Nobody has been signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_answer_in_another_browser_is_refused(sso):
    """Login CSRF: a callback address made in the attacker's browser, opened in the victim's."""
    attacker = Client()
    back = at_provider(attacker.get("/sign-in/sso/")["Location"], "carol")
    victim = Client()
    assert victim.get(local(back)).status_code == 400
    assert "_auth_user_id" not in victim.session


def test_an_answer_used_twice_is_refused(sso):
    client = Client()
    back = local(at_provider(client.get("/sign-in/sso/")["Location"], "amina"))
    assert client.get(back).status_code == 302
    client.post("/sign-out/")
    assert client.get(back).status_code == 400


def test_an_id_token_with_another_nonce_is_refused(sso):
    client = Client()
    start = client.get("/sign-in/sso/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "not-the-nonce-sent"
    session.save()
    response = client.get(local(at_provider(start["Location"], "amina")))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="amina").exists()


def test_an_id_token_for_another_application_is_refused(sso, settings):
    """The library checks neither `aud` nor `iss`; PutRight does. A real token the provider issued
    to another of the landlord's applications is refused, and passes when checked as that one."""
    token = id_token_for("elsewhere", "amina", sso, nonce="n-1")
    with pytest.raises(SuspiciousOperation, match="(?i)audience"):
        SsoBackend().verify_token(token, nonce="n-1")
    settings.PUTRIGHT_OIDC_CLIENT_ID = "elsewhere"
    assert SsoBackend().verify_token(token, nonce="n-1")["sub"] == "amina"
    settings.PUTRIGHT_OIDC_ISSUER = "http://127.0.0.1:1"  # nor from another issuer
    with pytest.raises(SuspiciousOperation, match="(?i)issuer"):
        _verify_with_keys_of(sso, token)


def _verify_with_keys_of(sso, token):
    import jwt

    backend = SsoBackend()
    keys = requests.get(f"{sso.issuer}/jwks", timeout=10).json()["keys"]
    return backend._verify_jws(token, jwt.PyJWK(keys[0]))


def id_token_for(client_id: str, username: str, sso, *, nonce: str) -> str:
    """An ID token the provider issued to `client_id`, as that application gets one."""
    return oidc_provider.tokens_for(sso.issuer, client_id, "http://elsewhere.example/callback", username, nonce=nonce)["id_token"]


# -- the second factor -----------------------------------------------------------------------


def test_an_administrator_whose_provider_checked_no_second_factor_must_give_putrights(sso):
    from putright.twofactor.tests.test_second_factor import staff_paths

    client = Client()
    assert sign_in(client, "dev").status_code == 302
    dev = User.objects.get(username="dev")
    assert dev.role == Role.ADMINISTRATOR and client.session[policy.SSO_SESSION_KEY] == {"mfa": False}
    for path in staff_paths():
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/set-up/"), (path, response.status_code)
    testing.device_for(dev)
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/?next=")
    response = client.post("/account/two-factor/?next=/admin/", {"code": testing.current_code(dev)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_administrator_whose_provider_checked_a_second_factor_goes_straight_in(sso):
    client = Client()
    sign_in(client, "morgan")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_amr_from_the_user_information_does_not_count(sso, settings):
    """Only the signed ID token's amr counts; the provider sends the same for everyone else."""
    settings.PUTRIGHT_OIDC_MFA_AMR = "otp-never-sent"
    client = Client()
    sign_in(client, "morgan")
    assert client.get("/admin/").status_code == 302


# -- the rest of sign-in applies too -----------------------------------------------------------


def test_failures_from_one_address_are_throttled(sso, settings):
    settings.PUTRIGHT_THROTTLE_LIMITS = {"sign-in-address": [3, 900]}
    client = Client()
    for _ in range(3):
        assert client.get("/sign-in/sso/callback/?code=x&state=y").status_code == 400
    assert client.get("/sign-in/sso/").status_code == 429
    assert client.get("/sign-in/sso/callback/?code=x&state=y").status_code == 429


def test_an_idle_session_ends_as_a_password_ones_does(sso):
    client = Client()
    sign_in(client, "ben")
    assert client.get("/cases/").status_code == 200
    session = client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()
    assert client.get("/cases/")["Location"].startswith("/sign-in/")


def test_signing_out_ends_the_session_and_the_providers(sso):
    client = Client()
    sign_in(client, "ben")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{sso.issuer}/session/end"
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"] and query["id_token_hint"][0].count(".") == 2
    assert client.get("/cases/")["Location"].startswith("/sign-in/")


def test_a_password_sign_out_goes_to_the_sign_in_page(sso, handler):
    client = Client()
    client.force_login(handler)
    assert client.post("/sign-out/")["Location"] == "/sign-in/"


def test_password_sign_in_can_be_switched_off(sso, settings, handler):
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Landlord account" in page and 'type="password"' in page
    settings.PUTRIGHT_PASSWORD_SIGN_IN = False
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Landlord account" in page and 'type="password"' not in page
    client = Client()
    response = client.post("/sign-in/", {"username": handler.username, "password": "correct horse battery"})
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_without_single_sign_on_its_addresses_are_not_found(client):
    assert client.get("/sign-in/sso/").status_code == 404
    assert client.get("/sign-in/sso/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/sign-in/").content.decode()


def test_a_provider_that_is_not_the_configured_issuer_is_not_used(sso, settings):
    settings.PUTRIGHT_OIDC_ISSUER = sso.issuer.replace("127.0.0.1", "localhost")
    response = Client().get("/sign-in/sso/")
    assert response.status_code == 502 and "not working at the moment" in response.content.decode()


def test_the_sign_out_form_may_lead_on_to_the_providers_sign_out(sso, handler):
    """CSP form-action also governs the redirects after a form: the provider's origin is allowed
    for a single sign-on session only (tests/browser/test_sso_journey.py shows the browser)."""
    client = Client()
    sign_in(client, "ben")
    policy_header = client.get("/cases/")["Content-Security-Policy"]
    assert f"form-action 'self' {sso.issuer}" in policy_header
    password_client = Client()
    password_client.force_login(handler)
    assert "form-action 'self';" in password_client.get("/cases/")["Content-Security-Policy"] + ";"
    assert sso.issuer not in password_client.get("/cases/")["Content-Security-Policy"]


def test_administrators_see_who_signs_in_through_the_provider(sso, admin_user, manager):
    sign_in(Client(), "ben")
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/admin/sso/ssoidentity/")
    assert page.status_code == 200 and "putright-handlers" in page.content.decode()
    managers = Client()
    managers.force_login(manager)
    assert managers.get("/admin/sso/ssoidentity/").status_code == 403


def test_a_signed_in_account_whose_role_is_taken_away_sees_no_staff_page(sso, settings):
    """The role can go while a session lasts (an administrator, or the next sign-in's mapping):
    an account with no role is refused every staff page and the admin, from its next click."""
    from putright.twofactor.tests.test_second_factor import staff_paths

    client = Client()
    sign_in(client, "ben")
    assert client.get("/cases/").status_code == 200
    User.objects.filter(username="ben").update(role="")
    anonymous = Client()
    public = {p for p in staff_paths() if anonymous.get(p).status_code == 200}  # residents' pages, the API's docs
    granted = {p for p in staff_paths() if client.get(p).status_code == 200} - public
    assert granted == {"/account/password/", "/account/password/changed/"}, granted  # only their own password


def test_refusals_do_not_lock_the_office_out_of_single_sign_on(sso):
    """Staff share an office's address: five people refused for having no role must not stop
    everyone else there signing in (django-axes counts failed sign-ins by username and address)."""
    for _ in range(6):
        assert sign_in(Client(), "carol").status_code == 403
    client = Client()
    assert sign_in(client, "amina").status_code == 302
    assert client.get("/cases/").status_code == 200

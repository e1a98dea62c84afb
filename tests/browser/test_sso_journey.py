"""Single sign-on in the real browser against a real OpenID provider (oidc-provider, started on
127.0.0.1 for these tests): signing in, no role, the second factor, signing out of both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from putright.accounts.models import Role, User
from putright.twofactor import testing
from tests import oidc_provider
from tests.browser.support import assert_accessible, axe_violations


@pytest.fixture(scope="module")
def provider(live_server):
    started = oidc_provider.start([live_server.url])
    yield started
    started.stop()


@pytest.fixture
def sso(provider, settings):
    provider.configure(settings)
    return provider


def sign_in_at_provider(page, username: str) -> None:
    """From PutRight's sign-in page, through the provider's own page, as a person does."""
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with Landlord account").click()
    expect(page.get_by_role("heading", name="Landlord sign-in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(oidc_provider.PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_manager_signs_in_and_out_with_the_landlords_account(page, sso, live_server):
    page.goto("/sign-in/")
    expect(page.get_by_role("button", name="Sign in with Landlord account")).to_be_visible()
    problems = axe_violations(page, "sign in, with single sign-on")
    sign_in_at_provider(page, "amina")
    # The provider checked a second factor (amr "mfa"): straight to the queue, no PutRight code.
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert User.objects.get(username="amina").role == Role.MANAGER
    # Signing out ends PutRight's session and the provider's (it asks to confirm), then back here.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign out of the landlord's account?")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    # Signed out of the provider too: signing in again asks for the password again.
    page.get_by_role("button", name="Sign in with Landlord account").click()
    expect(page.get_by_role("heading", name="Landlord sign-in")).to_be_visible()
    assert not problems, "\n".join(problems)


def test_someone_in_no_mapped_group_is_told_and_not_signed_in(page, sso):
    sign_in_at_provider(page, "carol")
    expect(page.get_by_role("heading", name="You do not have access to PutRight yet")).to_be_visible()
    assert_accessible(page, "single sign-on, no role")
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))


def test_an_administrator_without_the_providers_second_factor_gives_putrights(page, sso):
    sign_in_at_provider(page, "dev")
    # First time: set up an authenticator app before any page, the admin included.
    expect(page).to_have_url(re.compile(r"/account/two-factor/set-up/"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/set-up/"))
    dev = User.objects.get(username="dev")
    testing.device_for(dev)  # as if the app was set up; now the code is asked for
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next="))
    page.get_by_label("Code", exact=True).fill(testing.current_code(dev))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_a_refused_answer_says_so_plainly(page, sso):
    page.goto("/sign-in/sso/callback/?code=made-up&state=made-up")
    expect(page.get_by_role("heading", name="This sign-in has expired")).to_be_visible()
    assert_accessible(page, "single sign-on, refused")

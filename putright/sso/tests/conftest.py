"""The single sign-on tests' provider: oidc-provider on 127.0.0.1 (tests/oidc_provider.py), with
PutRight registered for the test client's address (http://testserver)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests import oidc_provider


@pytest.fixture(scope="package")
def provider():
    started = oidc_provider.start(["http://testserver"], other_clients=[{
        "client_id": "elsewhere", "client_secret": oidc_provider.CLIENT_SECRET,
        "redirect_uris": ["http://elsewhere.example/callback"],
    }])
    yield started
    started.stop()


@pytest.fixture
def sso(provider, settings):
    """PutRight configured for the provider (the group mapping included)."""
    provider.configure(settings)
    return provider


def at_provider(authorize_url: str, username: str, password: str | None = None) -> str:
    """Sign in on the provider's own page, as a person would, starting from PutRight's redirect to
    it; returns the address the provider sends the browser back to (PutRight's callback)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    uid = re.search(r'action="/interaction/([^/"]+)/login"', page.text)
    assert uid, page.text[:500]
    answer = browser.post(
        urljoin(page.url, f"/interaction/{uid.group(1)}/login"),
        data={"login": username, "password": password or oidc_provider.PASSWORDS[username]}, allow_redirects=False, timeout=10,
    )
    for _ in range(10):
        assert answer.status_code in (302, 303), answer.text[:500]
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith("http://testserver/"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back to PutRight")


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, username: str, *, next: str = ""):
    """The whole journey with Django's test client: PutRight -> provider -> PutRight's callback."""
    start = client.get("/sign-in/sso/" + (f"?next={next}" if next else ""))
    assert start.status_code == 302, start.status_code
    return client.get(local(at_provider(start["Location"], username)))

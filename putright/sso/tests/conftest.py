"""The single sign-on tests' provider: oidc-provider on 127.0.0.1 (tests/oidc_provider.py), with
PutRight registered for the test client's address (http://testserver)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

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


def at_provider(authorize_url: str, username: str) -> str:
    """Sign in on the provider's page; returns where it sends the browser back (the callback)."""
    return oidc_provider.sign_in_at_provider(authorize_url, username, until="http://testserver/")


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, username: str, *, next: str = ""):
    """The whole journey with Django's test client: PutRight -> provider -> PutRight's callback."""
    start = client.get("/sign-in/sso/" + (f"?next={next}" if next else ""))
    assert start.status_code == 302, start.status_code
    return client.get(local(at_provider(start["Location"], username)))

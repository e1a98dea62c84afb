"""A real OpenID Connect provider for the single sign-on tests: the npm package oidc-provider
(a certified implementation), run by Node on 127.0.0.1 from tests/oidc/server.js.

Its users (tests/oidc/server.js ACCOUNTS) sign in on its own HTML page; those with `mfa` come
back with amr ["pwd", "otp", "mfa"]. `npm ci` in tests/oidc/ installs it (`make install` and
.ci/run do that; this module does it too when the folder has no node_modules).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "putright"
CLIENT_SECRET = "test-client-secret-for-putright-only-0123456789"
PASSWORDS = {
    "amina": "amina-secret", "ben": "ben-secret", "carol": "carol-secret", "dev": "dev-secret",
    "morgan": "morgan-secret", "olu": "olu-secret", "complaints": "complaints-secret",
}
ROLE_MAP = "putright-administrators=administrator,putright-managers=manager,putright-handlers=handler,board=oversight"


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen

    def settings(self, **more) -> dict:
        """PutRight's settings for signing in with this provider."""
        return {
            "PUTRIGHT_OIDC_ISSUER": self.issuer, "PUTRIGHT_OIDC_CLIENT_ID": CLIENT_ID,
            "PUTRIGHT_OIDC_CLIENT_SECRET": CLIENT_SECRET, "PUTRIGHT_OIDC_SCOPES": "openid email profile groups",
            "PUTRIGHT_OIDC_NAME": "Landlord account", "PUTRIGHT_OIDC_ROLE_MAP": ROLE_MAP, **more,
        }

    def configure(self, settings) -> None:
        """Point PutRight at this provider (pytest-django's `settings` fixture undoes it)."""
        from putright.sso import config

        for name, value in self.settings().items():
            setattr(settings, name, value)
        config.forget_discovery()  # another test's provider may be remembered

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(base_urls: list[str], *, client_id: str = CLIENT_ID, other_clients: list[dict] = ()) -> Provider:
    """Start the provider with PutRight registered as a client for each of `base_urls`
    (e.g. "http://testserver", the live server's URL)."""
    if not (HERE / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)
    clients = [{
        "client_id": client_id, "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{u}/sign-in/sso/callback/" for u in base_urls],
        "post_logout_redirect_uris": [f"{u}/sign-in/" for u in base_urls],
    }, *other_clients]
    port = _free_port()
    from tests.clock import subprocess_env

    # The provider's clock is the suite's frozen one, so its tokens' iat/exp agree with PutRight's.
    env = {**subprocess_env(), "CLIENTS": json.dumps(clients)}
    process = subprocess.Popen(
        ["node", str(HERE / "server.js"), str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped at start (exit {process.returncode})")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                return Provider(issuer, process)
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the OpenID provider did not start within 20 seconds")


def sign_in_at_provider(authorize_url: str, username: str, *, until: str, password: str | None = None) -> str:
    """Sign in on the provider's own page, as a person would, from an authorisation request;
    returns the address (starting with `until`) the provider sends the browser back to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    uid = re.search(r'action="/interaction/([^/"]+)/login"', page.text)
    assert uid, page.text[:500]
    answer = browser.post(
        urljoin(page.url, f"/interaction/{uid.group(1)}/login"),
        data={"login": username, "password": password or PASSWORDS[username]}, allow_redirects=False, timeout=10,
    )
    for _ in range(10):
        assert answer.status_code in (302, 303), answer.text[:500]
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(until):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider never sent the browser back to {until}")


def tokens_for(issuer: str, client_id: str, redirect_uri: str, username: str, *, scope: str = "openid", nonce: str = "n-1") -> dict:
    """The provider's token answer (id_token, access_token) for `username` signing in to
    `client_id` by the code flow with PKCE, the way that application would get one: the
    provider's page in a plain HTTP client, then the code exchanged at the token endpoint."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    authorize = f"{issuer}/auth?" + urlencode({
        "client_id": client_id, "response_type": "code", "scope": scope, "redirect_uri": redirect_uri,
        "state": secrets.token_urlsafe(8), "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
    })
    location = sign_in_at_provider(authorize, username, until=redirect_uri)
    code = parse_qs(urlsplit(location).query)["code"][0]
    tokens = requests.post(
        f"{issuer}/token", auth=(client_id, CLIENT_SECRET), timeout=10,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier},
    )
    tokens.raise_for_status()
    return tokens.json()

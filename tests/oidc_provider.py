"""A real OpenID Connect provider for the single sign-on tests: the npm package oidc-provider
(a certified implementation), run by Node on 127.0.0.1 from tests/oidc/server.js.

Its users (tests/oidc/server.js ACCOUNTS) sign in on its own HTML page; those with `mfa` come
back with amr ["pwd", "otp", "mfa"]. `npm ci` in tests/oidc/ installs it (`make install` and
.ci/run do that; this module does it too when the folder has no node_modules).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "putright"
CLIENT_SECRET = "test-client-secret-for-putright-only-0123456789"
PASSWORDS = {"amina": "amina-secret", "ben": "ben-secret", "carol": "carol-secret", "dev": "dev-secret", "morgan": "morgan-secret", "olu": "olu-secret"}
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

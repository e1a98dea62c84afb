"""`putright serve` is gunicorn: started for real on 127.0.0.1 with the production settings behind
a (pretend) HTTPS proxy, and driven as a browser would: sign in, the queue, the complaint form."""

from __future__ import annotations

import http.client
import json
import re

import pytest

from putright.accounts.models import Role, User
from putright.notifications.testing import free_port
from putright.operations import testing

pytestmark = pytest.mark.django_db(transaction=True)
HOST = "complaints.example.org"


class Browser:
    """Just enough of a browser over http.client: cookies (Secure ones too: the proxy is HTTPS)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method, path, body=None, https=True, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"Host": HOST, **(headers or {})}
        if https:
            hdrs["X-Forwarded-Proto"] = "https"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            hdrs["Origin"] = f"https://{HOST}"
        conn.request(method, path, body=body, headers=hdrs)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response, text


def test_it_serves_through_gunicorn_securely(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # what the server checks with
    User.objects.create_user("hari", password="correct horse battery", role=Role.HANDLER, first_name="Hari")
    port = free_port()
    env = testing.process_env(
        ALLOWED_HOSTS=HOST, PUTRIGHT_SITE_URL=f"https://{HOST}", PUTRIGHT_PROXY_HTTPS_HEADER="X-Forwarded-Proto",
    )
    log_path = tmp_path / "serve.log"
    server = testing.start(["serve", "--addr", f"127.0.0.1:{port}", "--workers", "2"], env, log_path)
    try:
        testing.wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        browser = Browser(port)

        # Plain HTTP is sent to HTTPS; health checks are not.
        response, _ = browser.request("GET", "/cases/", https=False)
        assert response.status == 301 and response.headers["Location"] == f"https://{HOST}/cases/"

        response, page = browser.request("GET", "/sign-in/")
        assert response.status == 200 and response.headers["Server"].startswith("gunicorn")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response, _ = browser.request(
            "POST", "/sign-in/", body=f"csrfmiddlewaretoken={csrf}&username=hari&password=correct+horse+battery"
        )
        assert response.status == 302 and response.headers["Location"] == "/cases/"
        assert all("Secure" in h for h in browser.set_cookie_headers), browser.set_cookie_headers

        response, page = browser.request("GET", "/cases/")
        assert response.status == 200 and "Hari" in page

        response, page = browser.request("GET", "/")  # the residents' complaint form starts here
        assert response.status == 200 and "complain" in page.lower()

        # Static files come from WhiteNoise inside gunicorn.
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        response, _ = browser.request("GET", css)
        assert response.status == 200 and "text/css" in response.headers["Content-Type"]
    finally:
        testing.stop(server)

    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "putright.requests"]
    assert {(r["method"], r["path"], r["status"]) for r in requests} >= {
        ("GET", "/sign-in/", 200), ("POST", "/sign-in/", 302), ("GET", "/cases/", 200), ("GET", "/", 200),
    }
    assert all(isinstance(r["duration_ms"], float) and r["request_id"] for r in requests)
    assert "correct horse battery" not in log_path.read_text() and csrf not in log_path.read_text()
    assert any(line.get("logger") == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)


def test_the_workers_are_forked_from_a_master_that_loaded_putright_once():
    """preload_app: a worker replaced after max_requests does not import PutRight again; the
    master holds no database connection for the workers to share, and what it loaded is frozen
    out of the garbage collector's full collections."""
    import gc

    from django.db import connection

    from putright.operations.management.commands.serve import GunicornApp, gunicorn_options

    app = GunicornApp(gunicorn_options("127.0.0.1:0", 3, 60))
    assert app.cfg.preload_app is True and app.cfg.workers == 3 and app.cfg.max_requests == 1000
    connection.ensure_connection()
    frozen, thresholds = gc.get_freeze_count(), gc.get_threshold()
    try:
        application = app.load()
        assert callable(application)
        assert connection.connection is None, "the workers would share the master's connection"
        assert gc.get_freeze_count() > frozen and gc.get_threshold()[0] == 50_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


WARM_CHECK = """
import sys, django
django.setup()
from django.template import engines
from putright.operations.management.commands.serve import putright_templates, warm
assert "putright.cases.urls" not in sys.modules
warm()
loader = engines["django"].engine.template_loaders[0]
names = putright_templates()
compiled = set(loader.get_template_cache)
assert "putright.cases.urls" in sys.modules and "holidays.countries" in sys.modules
assert {"base.html", "cases/queue.html"} <= names and names <= compiled, sorted(names - compiled)[:5]
print("warm", len(names))
"""


def test_the_master_loads_what_a_worker_would_load_on_its_first_request(tmp_path):
    """Django imports the URLs and compiles templates on a process's first request: done in the
    master, a worker forked after max_requests does not spend a couple of seconds of CPU on it."""
    import os
    import subprocess
    import sys

    from tests.clock import subprocess_env

    env = subprocess_env({**os.environ, "PUTRIGHT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "putright.settings_test"})
    result = subprocess.run([sys.executable, "-c", WARM_CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) > 100

"""Faults on the real parts: PostgreSQL restarted while residents submit complaints through the
production server. Every complaint that got a reference is there, and none is there twice.

Runs its own PostgreSQL cluster (scripts/postgres), so it runs once, in the PostgreSQL pass
of scripts/test (and whenever DATABASE_URL names PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from putright.notifications.testing import free_port
from putright.operations import testing
from putright.operations.tests.test_serve import HOST, Browser

ROOT = Path(__file__).resolve().parents[3]
RESIDENTS = 24

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL pass (it starts a PostgreSQL server of its own)"
)

ANSWERS = [
    ("what-happened", {"what_happened": "The kitchen ceiling has leaked for six weeks. Marker {marker}."}),
    ("put-right", {"put_right": "Fix the leak."}),
    ("when", {"when_0": "2", "when_1": "11", "when_2": "2026"}),
    ("someone-else", {"for_someone_else": "no"}),
    ("your-details", {"name": "Resident {n}", "email": "resident{n}@example.org", "phone": "", "address": "{n} High Street", "postcode": "AB1 2CD"}),
    ("contact", {"preferred_channel": "email"}),
    ("support", {"preferred_format": "standard", "support": ""}),
    ("attachments", {"action": "continue"}),
]


def _post(browser: Browser, path: str, data: dict) -> tuple[int, str]:
    data = {"csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""), **data}
    response, _ = browser.request("POST", path, body=urllib.parse.urlencode(data))
    return response.status, response.headers.get("Location", "")


def _until_answered(call, tries=60):
    """What a resident does when the page fails: wait a moment and press the button again."""
    for _ in range(tries):
        try:
            status, location = call()
        except OSError:
            status, location = 0, ""
        if status and status < 500:
            return status, location
        time.sleep(0.5)
    raise AssertionError("the server never answered")


def _complain(port: int, n: int, marker: str, references: dict, outcomes: list) -> None:
    """One resident's journey; if the database restart loses their half-finished answers (the
    session), they start again, as a resident would, up to three times."""
    for _ in range(3):
        browser = Browser(port)
        _until_answered(lambda: (browser.request("GET", "/complain/what-happened/")[0].status, ""))
        for slug, data in ANSWERS:
            answers = {k: v.format(n=n, marker=marker) for k, v in data.items()}
            status, _ = _until_answered(lambda: _post(browser, f"/complain/{slug}/", answers))
            if status != 302:
                outcomes.append((marker, slug, status))
                break
        else:
            status, location = _until_answered(lambda: _post(browser, "/complain/check-answers/", {}))
            outcomes.append((marker, "check-answers", status))
            if location == "/complain/sent/":
                response, page = browser.request("GET", "/complain/sent/")
                found = re.search(r"Your reference number<br><strong>([^<]+)</strong>", page)
                references[marker] = found.group(1) if response.status == 200 and found else None
            return


def test_a_postgresql_restart_loses_no_complaint_and_doubles_none(tmp_path):
    import shutil
    import tempfile

    # A folder the postgres user can reach (pytest's tmp_path is private to root).
    pg_root = Path(tempfile.mkdtemp(prefix="putright-faults-"))
    pg_root.chmod(0o755)
    data, port = pg_root / "data", free_port()
    subprocess.run([ROOT / "scripts" / "postgres", "start", data, str(port)], check=True)
    server = None
    try:
        _createdb(port)
        env = testing.process_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/faults",
            ALLOWED_HOSTS=HOST, PUTRIGHT_SITE_URL=f"https://{HOST}", PUTRIGHT_PROXY_HTTPS_HEADER="X-Forwarded-Proto",
        )
        web = free_port()
        server = testing.start(["serve", "--addr", f"127.0.0.1:{web}", "--workers", "3"], env, tmp_path / "serve.log")
        testing.wait_for_http(f"http://127.0.0.1:{web}/healthz", server, timeout=120)

        references: dict[str, str | None] = {}
        outcomes: list = []
        threads = [
            threading.Thread(target=_complain, args=(web, n, f"M{n:03d}X", references, outcomes)) for n in range(RESIDENTS)
        ]
        for i, thread in enumerate(threads):
            thread.start()
            if i == RESIDENTS // 2:  # half of them on their way: restart the database under them
                subprocess.run([ROOT / "scripts" / "postgres", "stop", data], check=True)
                subprocess.run([ROOT / "scripts" / "postgres", "start", data, str(port)], check=True)
            time.sleep(0.1)
        for thread in threads:
            thread.join(180)

        stored = _query(env, "import collections, re; from putright.cases.models import Case; "
                             "print(sorted((re.search(r'Marker (M\\d+X)', c.description).group(1), c.reference) for c in Case.objects.all()))")
    finally:
        if server is not None:
            testing.stop(server)
        subprocess.run([ROOT / "scripts" / "postgres", "stop", data])
        shutil.rmtree(pg_root, ignore_errors=True)

    stored_markers = [m for m, _ in stored]
    assert len(stored_markers) == len(set(stored_markers)), "a complaint was stored twice"
    got_reference = {m: r for m, r in references.items() if r}
    assert got_reference, "no resident got a reference: nothing was tested"
    assert all((m, r) in stored for m, r in got_reference.items()), "a complaint that got a reference is missing"
    log = (tmp_path / "serve.log").read_text()
    failed = len(re.findall(r'"status": 5\d\d', log))
    restarted = sum(1 for marker, slug, status in outcomes if slug != "check-answers")
    print(f"\n{RESIDENTS} residents, PostgreSQL restarted mid-way: {failed} requests failed (5xx) and "
          f"{restarted} journeys started again; {len(got_reference)} got a reference, {len(stored)} complaints "
          f"stored, {len(stored_markers) - len(set(stored_markers))} twice")


def _createdb(port: int) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE faults")


def _query(env: dict, code: str):
    import ast

    result = subprocess.run([testing.PUTRIGHT, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])

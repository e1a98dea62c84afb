"""Running the real `putright` processes from tests: the server and the worker, against the test
database (tests that use them need `transaction=True`, so what they write is committed)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

PUTRIGHT = str(Path(sys.executable).with_name("putright"))


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(*, demo: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a `putright` process on the test database: production settings unless
    demo=True (a fresh secret key each time), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUTRIGHT_", "SECRET_KEY", "EMAIL_"))}
    env.update(
        DATABASE_URL=database_url(),
        PUTRIGHT_VAR_DIR=str(settings.VAR_DIR),
        PUTRIGHT_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="putright.settings",  # not the test settings pytest-django put here
    )
    if demo:
        env["PUTRIGHT_DEMO"] = "1"
    else:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env.update(extra)
    return env


def start(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start `putright ARGS`, its standard error (the JSON log) going to log_path."""
    return subprocess.Popen(
        [PUTRIGHT, *args], env=env, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"), start_new_session=True
    )


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} seconds")

"""Safe by default: the production settings, checked by running `putright` as an operator would."""

from __future__ import annotations

import subprocess

import pytest

from putright.operations import testing

pytestmark = pytest.mark.django_db

#: The settings docs/deploying.md gives (plus a fresh secret key from process_env).
DOCUMENTED = {
    "PUTRIGHT_SITE_URL": "https://complaints.example.org",
    "ALLOWED_HOSTS": "complaints.example.org",
    "PUTRIGHT_PROXY_HTTPS_HEADER": "X-Forwarded-Proto",
    "EMAIL_HOST": "mail.example.org",
}


def _run(*args, env):
    return subprocess.run([testing.PUTRIGHT, *args], env=env, capture_output=True, text=True, timeout=120)


def test_it_refuses_to_start_without_a_secret_key_unless_the_demo_was_asked_for():
    env = testing.process_env()
    del env["SECRET_KEY"]
    result = _run("serve", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert result.stderr.startswith("putright: PutRight needs a secret key: set SECRET_KEY or SECRET_KEY_FILE")
    # `putright demo` turns the demo on by itself.
    assert _run("demo", "--help", env=env).returncode == 0


def test_check_deploy_is_clean_with_the_documented_settings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=testing.process_env(**DOCUMENTED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_settings_fail_check_deploy():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=testing.process_env(demo=True))
    assert result.returncode != 0
    assert "putright.W001" in result.stderr and "PUTRIGHT_DEMO is on" in result.stderr


def test_production_settings_are_secure_by_default():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.EMAIL_BACKEND)"
    )
    result = _run("shell", "-c", code, env=testing.process_env(**DOCUMENTED))
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')",
        "['https://complaints.example.org']", "django.core.mail.backends.smtp.EmailBackend",
    ]


@pytest.mark.parametrize("url", ["", "sqlite:///{dir}/other.sqlite3"])
def test_sqlite_connections_are_kept_and_tuned_for_a_large_database(tmp_path, url):
    """Issue 19: a web worker keeps its connection (not a new one, with its PRAGMAs, per request),
    and each connection caches 64 MiB of pages, maps the file and sorts in memory."""
    code = (
        "from django.conf import settings as s; from django.db import connection as c; "
        "cur = c.cursor(); "
        "print(s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "*(cur.execute(f'PRAGMA {p}').fetchone()[0] for p in "
        "('journal_mode', 'foreign_keys', 'cache_size', 'mmap_size', 'temp_store')))"
    )
    env = testing.process_env(PUTRIGHT_VAR_DIR=str(tmp_path), DATABASE_URL=url.format(dir=tmp_path))
    result = _run("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1].split() == ["60", "True", "wal", "1", "-65536", "268435456", "2"], (
        result.stdout + result.stderr
    )

"""Logs: one JSON object a line on standard error, with request ids, tracebacks for errors, and
never an email address or a private-link token."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from putright.operations.logs import JsonFormatter

pytestmark = pytest.mark.django_db


class Stderr:
    """What the configured standard-error handler writes (pytest holds the real stderr)."""

    def __init__(self):
        (self.handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
        self.buffer = io.StringIO()
        self.previous = self.handler.setStream(self.buffer)

    def text(self) -> str:
        return self.buffer.getvalue()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]  # every line is JSON

    def close(self):
        self.handler.setStream(self.previous)


@pytest.fixture
def stderr():
    captured = Stderr()
    yield captured
    captured.close()


def test_a_500_is_logged_with_its_traceback_and_request_id(settings, stderr):
    settings.ROOT_URLCONF = "putright.operations.tests.urls_failing"
    response = Client(raise_request_exception=False).get("/broken/?token=abc")
    assert response.status_code == 500
    lines = stderr.lines()
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR" and error["path"] == "/broken/" and error["method"] == "GET"
    assert "Traceback (most recent call last)" in error["traceback"]
    assert "ZeroDivisionError: a deliberate failure for the log test" in error["traceback"]
    assert error["request_id"] == response["X-Request-ID"]
    request = next(line for line in lines if line["logger"] == "putright.requests")
    assert (request["method"], request["path"], request["status"]) == ("GET", "/broken/", 500)
    assert "token=abc" not in json.dumps(lines)  # no query strings


def test_private_link_tokens_and_email_addresses_never_reach_the_log(stderr):
    Client().get("/track/link/s3cr3t-t0ken-value/")
    logging.getLogger("putright.test").warning("Could not write to %s", "rita@example.org")
    text = stderr.text()
    assert "s3cr3t-t0ken-value" not in text and "rita@example.org" not in text
    assert "/track/link/[redacted]/" in text and "Could not write to [email]" in text


def test_a_proxys_request_id_is_kept(client):
    response = client.get("/how-to-complain/", HTTP_X_REQUEST_ID="lb-1234567890")
    assert response["X-Request-ID"] == "lb-1234567890"
    response = client.get("/how-to-complain/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"

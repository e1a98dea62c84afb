"""Webhook deliveries to a real HTTP receiver on 127.0.0.1 that fails the first tries."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from putright.cases.tests import factories as f
from putright.rules.errors import RuleViolation
from putright.webhooks import actions, delivery
from putright.webhooks.models import Attempt, Delivery, DeliveryState


class Receiver:
    """An HTTP server that answers 500 to the first `fail_first` requests, then 204."""

    def __init__(self, fail_first: int):
        self.fail_first = fail_first
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))  # header names case-insensitive
                failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(500 if failing else 204)
                self.end_headers()
                if failing:
                    self.wfile.write(b"database is down")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/putright"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(request):
    made = []

    def make(fail_first: int = 0) -> Receiver:
        made.append(Receiver(fail_first))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture(autouse=True)
def _settled(settings):
    settings.PUTRIGHT_EVENTS_SETTLE_SECONDS = 0


def test_it_signs_retries_with_backoff_and_logs_every_answer(receiver, handler):
    server = receiver(fail_first=2)
    hook, secret = actions.register(name="crm", url=server.url, events=["logged"])
    case = f.log_complaint(handler=handler)
    now = timezone.now()
    assert delivery.run_once(now) == {"queued": 1, "delivered": 0, "failed": 1}
    # Not again until the backoff has passed: 30 s, then 60 s.
    assert delivery.run_once(now + dt.timedelta(seconds=29))["failed"] == 0
    assert delivery.run_once(now + dt.timedelta(seconds=30))["failed"] == 1
    assert delivery.run_once(now + dt.timedelta(seconds=89))["delivered"] == 0
    assert delivery.run_once(now + dt.timedelta(seconds=90)) == {"queued": 0, "delivered": 1, "failed": 0}

    sent = Delivery.objects.get()
    assert (sent.state, sent.attempts) == (DeliveryState.DELIVERED, 3)
    assert list(Attempt.objects.values_list("status", "response")) == [(500, "database is down"), (500, "database is down"), (204, "")]
    headers, body = server.requests[-1]
    timestamp = headers["X-PutRight-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-PutRight-Signature"] == f"sha256={expected}"
    assert int(timestamp) == int((now + dt.timedelta(seconds=90)).timestamp())  # signed when sent
    event = json.loads(body)["event"]
    assert (event["case"], event["kind"]) == (case.reference, "logged")
    # Delivered once: nothing more to send.
    assert delivery.run_once(now + dt.timedelta(hours=1)) == {"queued": 0, "delivered": 0, "failed": 0}
    assert len(server.requests) == 3


def test_it_sends_only_the_events_a_hook_wants(receiver, handler):
    server = receiver()
    actions.register(name="warehouse", url=server.url, events=["acknowledged"])
    f.complaint_at(f.State.STAGE1_ACKNOWLEDGED, handler=handler)
    assert delivery.run_once()["delivered"] == 1
    assert [json.loads(b)["event"]["kind"] for _, b in server.requests] == ["acknowledged"]


def test_a_hook_that_keeps_failing_is_paused_and_shown(receiver, handler, settings):
    settings.PUTRIGHT_WEBHOOK_PAUSE_AFTER = 3
    server = receiver(fail_first=10**6)
    hook, _ = actions.register(name="crm", url=server.url, events=["*"])
    f.log_complaint(handler=handler)
    f.log_complaint(handler=handler)
    now = timezone.now()
    for minutes in range(0, 60, 5):
        delivery.run_once(now + dt.timedelta(minutes=minutes))
    hook.refresh_from_db()
    assert hook.paused_at is not None and "3 failed deliveries in a row; the last: HTTP 500" in hook.paused_reason
    assert len(server.requests) == 3  # nothing sent after the pause
    listed = StringIO()
    call_command("webhooks", "list", stdout=listed)
    assert "PAUSED" in listed.getvalue()
    # Resumed once the receiver is mended: the waiting deliveries go.
    server.fail_first = 0
    call_command("webhooks", "resume", "crm", stderr=StringIO())
    assert delivery.run_once(now + dt.timedelta(hours=1))["delivered"] == 2


def test_deliveries_go_over_tls_except_to_this_machine(db):
    with pytest.raises(RuleViolation, match="https"):
        actions.register(name="crm", url="http://crm.example.org/hook", events=["logged"])
    hook, _ = actions.register(name="crm", url="https://crm.example.org/hook", events=["logged"])
    assert hook.url == "https://crm.example.org/hook"

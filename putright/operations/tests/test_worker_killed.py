"""`putright worker` killed with SIGKILL in the middle of sending, started again, twice: every
email reaches a real SMTP server (aiosmtpd), and nothing is sent twice beyond the message that
was on the wire at each kill, which carries the same Message-ID both times."""

from __future__ import annotations

import collections
import signal
import time

import pytest
from django.utils import timezone

from putright.notifications.models import Outbox
from putright.notifications.testing import MailServer
from putright.operations import testing

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 150


def _worker(tmp_path, server, n):
    env = testing.process_env(
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(server.port), EMAIL_TIMEOUT="5",
        DEFAULT_FROM_EMAIL="complaints@riverside.example",
        # A claimed message whose worker died goes again after 3 seconds (5 minutes in production).
        PUTRIGHT_OUTBOX_LEASE_SECONDS="3",
    )
    return testing.start(["worker"], env, tmp_path / f"worker-{n}.log")


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_it_loses_nothing_when_killed_mid_batch(tmp_path):
    now = timezone.now()
    Outbox.objects.bulk_create(
        Outbox(kind="test", to=f"resident{i}@example.org", subject=f"Message {i}", body_text=f"Body {i}", next_attempt_at=now)
        for i in range(COUNT)
    )
    server = MailServer().start()
    try:
        kills = 0
        for n, kill_after in enumerate([30, 80]):
            worker = _worker(tmp_path, server, n)
            _wait(lambda: len(server.messages) >= kill_after)
            worker.send_signal(signal.SIGKILL)  # no chance to tidy up
            worker.wait()
            kills += 1
            assert len(server.messages) < COUNT, "the batch finished before the kill: nothing was tested"
        worker = _worker(tmp_path, server, "last")
        try:
            _wait(lambda: not Outbox.objects.filter(sent_at__isnull=True).exists())
        finally:
            testing.stop(worker)
    finally:
        server.stop()

    arrived = collections.Counter(m["Message-ID"] for m in server.messages)
    rows = list(Outbox.objects.order_by("pk"))
    assert all(row.status == "sent" for row in rows)
    # Every message arrived, under its own Message-ID.
    assert len(arrived) == COUNT
    assert {m["Subject"] for m in server.messages} == {r.subject for r in rows}
    # A copy only of a message on the wire when the worker died: at most one per kill.
    duplicates = sum(c - 1 for c in arrived.values())
    assert duplicates <= kills, f"{duplicates} duplicate(s) after {kills} kills"
    print(f"\n{COUNT} emails, {kills} kills: {len(server.messages)} arrived, {len(arrived)} distinct, {duplicates} duplicate(s)")



def test_a_mail_server_outage_then_every_email_arrives_once(tmp_path):
    """The mail server is down when the worker starts; each message fails and waits; the server
    comes back; each message arrives exactly once."""
    now = timezone.now()
    Outbox.objects.bulk_create(
        Outbox(kind="test", to=f"resident{i}@example.org", subject=f"Message {i}", body_text="Body", next_attempt_at=now)
        for i in range(40)
    )
    server = MailServer()  # its port chosen, nothing listening yet: the outage
    env = testing.process_env(
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(server.port), EMAIL_TIMEOUT="5",
        PUTRIGHT_OUTBOX_RETRY_SECONDS="1",  # a minute in production
    )
    worker = testing.start(["worker"], env, tmp_path / "worker.log")
    try:
        _wait(lambda: Outbox.objects.filter(attempts__gte=1).count() == 40)
        assert not Outbox.objects.filter(sent_at__isnull=False).exists()
        assert Outbox.objects.filter(last_error__contains="ConnectionRefusedError").count() == 40
        server.start()
        _wait(lambda: not Outbox.objects.filter(sent_at__isnull=True).exists())
    finally:
        testing.stop(worker)
        server.stop()
    arrived = collections.Counter(m["Message-ID"] for m in server.messages)
    assert len(server.messages) == 40 and len(arrived) == 40
    assert all(row.attempts >= 2 and row.last_error == "" for row in Outbox.objects.all())
    print(f"\nMail server down, then back: 40 emails, {len(server.messages)} arrived, {len(arrived)} distinct")

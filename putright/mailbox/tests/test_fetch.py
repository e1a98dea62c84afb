"""The complaints mailbox against a real Dovecot: replies join their case, the rest wait."""

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from putright.cases.models import Attachment, Case, Correspondence
from putright.cases.tests import factories as f
from putright.mailbox.fetch import run_once
from putright.mailbox.models import InboundMessage, MessageState
from putright.mailbox.tests.mail import email
from tests import clock

PDF = b"%PDF-1.4 a photo of the damp"


def test_a_reply_joins_its_case_and_a_new_complaint_waits(dovecot, handler):
    case = f.log_complaint(handler=handler)
    dovecot.append(email(f"Re: your complaint {case.reference}", "Here is the photo you asked for.",
                         attachments=[("damp.pdf", "application/pdf", PDF), ("run-me.exe", "application/x-msdownload", b"MZ")]),
                   when="2026-11-20 09:30")
    dovecot.append(email("Mould in the bedroom", "There is black mould in my bedroom again."), when="2026-11-21 18:05")
    assert run_once() == {"joined": 1, "waiting": 1, "skipped": 0}

    item = Correspondence.objects.get(case=case)
    assert (item.direction, item.method, item.occurred_on) == ("in", "email", dt.date(2026, 11, 20))
    assert item.correspondent == "Rita Patel <rita@example.org>" and item.subject.startswith("Re: your complaint")
    assert "run-me.exe: files of type application/x-msdownload cannot be attached" in item.body  # checked like uploads
    assert [(a.name, a.file.read()) for a in Attachment.objects.filter(correspondence=item)] == [("damp.pdf", PDF)]
    assert f.last_event(case).actor_label == "complaints mailbox"

    waiting = InboundMessage.objects.get(state=MessageState.WAITING)
    assert waiting.subject == "Mould in the bedroom"
    assert timezone.localtime(waiting.received_at).strftime("%Y-%m-%d %H:%M") == "2026-11-21 18:05"
    # Read again: nothing new, nothing twice.
    assert run_once() == {"joined": 0, "waiting": 0, "skipped": 0}
    assert Correspondence.objects.count() == 1 and InboundMessage.objects.count() == 2


def test_staff_log_a_waiting_email_in_one_step_with_its_received_date(dovecot, handler, client, resident):
    dovecot.append(email("Mould in the bedroom", "There is black mould in my bedroom again.",
                         attachments=[("mould.pdf", "application/pdf", PDF)]), when="2026-11-21 18:05")
    run_once()
    item = InboundMessage.objects.get()
    client.force_login(handler)
    inbox = client.get("/mailbox/").content.decode()
    assert "Mould in the bedroom" in inbox
    page = client.get(f"/mailbox/{item.pk}/log/").content.decode()
    assert "21 November 2026 at 18:05" in page and "Rita Patel" in page  # the sender's email found the resident
    answer = client.post(f"/mailbox/{item.pk}/log/", {"kind": "complaint", "description": "Black mould in the bedroom again.", "resident": resident.pk})
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/cases/{case.reference}/")
    assert (case.received_on, case.channel, case.resident) == (dt.date(2026, 11, 21), "email", resident)
    assert f.stage(case, 1).acknowledge_by == dt.date(2026, 11, 27)  # 5 working days from receipt (6.2)
    assert Attachment.objects.get(correspondence__case=case).name == "mould.pdf"
    item.refresh_from_db()
    assert (item.state, item.case, item.handled_by) == (MessageState.LOGGED, case, handler)
    assert "Nothing waiting" in client.get("/mailbox/").content.decode()
    # It cannot be logged twice.
    assert client.post(f"/mailbox/{item.pk}/log/", {"kind": "complaint", "description": "Again"}).status_code == 404


def test_oversight_can_read_the_inbox_but_not_log(dovecot, oversight, client):
    dovecot.append(email("Thanks", "Thank you for fixing the lift."), when="2026-11-21 10:00")
    run_once()
    item = InboundMessage.objects.get()
    client.force_login(oversight)
    assert client.get("/mailbox/").status_code == 200
    assert client.post(f"/mailbox/{item.pk}/log/", {"kind": "compliment", "description": "Thanks"}).status_code == 403
    assert InboundMessage.objects.get().state == MessageState.WAITING


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_killed_mid_fetch_and_restarted_every_message_lands_once(dovecot, handler, settings):
    case = f.log_complaint(handler=handler)
    total = 40
    for n in range(total):
        subject = f"Re: {case.reference} update {n}" if n % 2 else f"New problem {n}"
        dovecot.append(email(subject, f"Message {n}.", attachments=[(f"photo-{n}.pdf", "application/pdf", PDF)],
                             message_id=f"<m{n}@example.org>"), when="2026-11-20 09:30")
    env = {
        **clock.subprocess_env(), "DATABASE_URL": _database_url(), "PUTRIGHT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PUTRIGHT_MAILBOX_HOST": "127.0.0.1", "PUTRIGHT_MAILBOX_PORT": str(dovecot.port), "PUTRIGHT_MAILBOX_SSL": "0",
        "PUTRIGHT_MAILBOX_USER": dovecot.user, "PUTRIGHT_MAILBOX_PASSWORD": dovecot.password,
    }
    putright = str(Path(sys.executable).parent / "putright")
    fetcher = subprocess.Popen([putright, "mailbox", "--loop", "--every", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while InboundMessage.objects.count() < 3 and time.monotonic() < deadline and fetcher.poll() is None:
        time.sleep(0.01)
    fetcher.send_signal(signal.SIGKILL)  # no chance to tidy up
    fetcher.wait()
    at_kill = InboundMessage.objects.count()
    assert 0 < at_kill < total, f"killed after {at_kill} of {total}: {fetcher.stderr.read().decode()[-2000:]}"

    restarted = subprocess.run([putright, "mailbox"], env=env, capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr
    assert InboundMessage.objects.count() == total
    assert sorted(InboundMessage.objects.values_list("uid", flat=True)) == list(range(1, total + 1))
    joined = Correspondence.objects.filter(case=case)
    assert sorted(c.body for c in joined) == sorted(f"Message {n}." for n in range(1, total, 2))
    assert Attachment.objects.filter(correspondence__case=case).count() == total // 2
    assert InboundMessage.objects.filter(state=MessageState.WAITING).count() == total // 2

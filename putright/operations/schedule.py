"""The jobs every PutRight worker runs. Other features add theirs with `jobs.register(...)` in
their AppConfig.ready() (see putright/operations/jobs.py)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings

from putright.operations import jobs


def send_outbox() -> dict:
    """Deliver the outbox continuously: every message due, for at most PUTRIGHT_OUTBOX_BATCH_SECONDS
    at a time so the other jobs get their turn; the rest goes straight after (more=True)."""
    from putright.notifications.outbox import deliver

    return deliver(budget=getattr(settings, "PUTRIGHT_OUTBOX_BATCH_SECONDS", 20))


def send_reminders() -> dict:
    """Each handler's list of cases due within 2 working days or overdue. Skips days nobody
    works; a second run on one day queues nothing more (one outbox row per person and day)."""
    from putright.notifications.management.commands.send_reminders import remind_all

    return {"queued": remind_all()}


def calendar_fingerprint() -> str:
    """What the working calendar is made of: the closure days and the bank holiday data."""
    import holidays

    from putright.cases.models import ClosureDay

    days = ",".join(str(d) for d in ClosureDay.objects.order_by("day").values_list("day", flat=True))
    return hashlib.sha256(f"{holidays.__version__}|{days}".encode()).hexdigest()


def recompute_deadlines_if_calendar_changed() -> dict:
    """Recompute open cases' deadlines when a closure day was added or removed, or the bank
    holiday data changed (a new release of `holidays` with a one-off bank holiday)."""
    from putright.cases import actions
    from putright.operations.models import JobState

    fingerprint = calendar_fingerprint()
    from django.utils import timezone

    state, _ = JobState.objects.get_or_create(name="recompute_deadlines", defaults={"next_run_at": timezone.now()})
    if state.memo == fingerprint:
        return {"changed": 0}
    changed = actions.recompute_deadlines()
    JobState.objects.filter(name="recompute_deadlines").update(memo=fingerprint)
    return {"changed": changed}


def clear_sessions() -> dict:
    """Expired sessions (staff and residents) out of the database."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return {}


def discard_abandoned_drafts() -> dict:
    """Files uploaded to online complaints nobody finished (after the portal's DRAFT_DAYS)."""
    from putright.portal.journey import discard_stale_drafts

    return {"discarded": discard_stale_drafts()}


jobs.register("send_outbox", send_outbox, every=dt.timedelta(seconds=2), exclusive=False)
jobs.register("send_reminders", send_reminders, daily_at=dt.time(7, 0))
jobs.register("recompute_deadlines", recompute_deadlines_if_calendar_changed, every=dt.timedelta(minutes=1))
jobs.register("clear_sessions", clear_sessions, every=dt.timedelta(hours=1))
jobs.register("discard_abandoned_drafts", discard_abandoned_drafts, every=dt.timedelta(hours=1))


# --- Jobs of other features: their own idempotent run_once(), wired here ---------------------


def retention() -> dict:
    """Retention (docs/data-protection.md): anonymise what is due, if the schedule says to apply daily."""
    from putright.privacy.retention import run_once

    return run_once()


def purge_throttles() -> dict:
    """Throttling counts older than the longest window (docs/security.md)."""
    from putright.protect.throttle import run_once

    return run_once()


# The mailbox (mailbox_fetch), webhooks (webhooks_send) and Awaab's Law reminders
# (hazard_reminders) register themselves in their own AppConfig.ready().
jobs.register("retention", retention, daily_at=dt.time(2, 0))
jobs.register("purge_throttles", purge_throttles, daily_at=dt.time(3, 0))

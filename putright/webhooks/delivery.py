"""Queueing and sending webhook deliveries: `run_once()`, for the worker and `putright webhooks send`.

1. Queue: for each hook not paused, the timeline events after its `last_event_id` that it wants
   (and that have settled, as in the events feed) become `Delivery` rows, once each.
2. Send: each pending delivery whose time has come is claimed with a conditional UPDATE (so two
   workers never send the same one at once), POSTed with its signature, and its attempt logged.
   A 2xx answer delivers it; anything else tries again later, waiting twice as long each time,
   until PUTRIGHT_WEBHOOK_MAX_ATTEMPTS are spent. A hook whose deliveries fail
   PUTRIGHT_WEBHOOK_PAUSE_AFTER times in a row is paused: nothing more is sent to it until an
   administrator resumes it (`putright webhooks resume NAME`), and then its queue carries on.

Stopped at any moment, nothing is lost: a delivery claimed and not finished is tried again when
its claim runs out. A receiver can be sent the same delivery twice (if PutRight stops after the
receiver answered but before writing that down): receivers de-duplicate by `X-PutRight-Delivery`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from putright.api.events import settled_before
from putright.cases.models import CaseEvent
from putright.webhooks.models import Attempt, Delivery, DeliveryState, Webhook

CLAIM_SECONDS = 120  # a claimed delivery is tried again after this if its sender died
TIMEOUT_SECONDS = 10
FIRST_RETRY_SECONDS = 30
LONGEST_WAIT_SECONDS = 6 * 3600


def max_attempts() -> int:
    return int(getattr(settings, "PUTRIGHT_WEBHOOK_MAX_ATTEMPTS", 10))


def pause_after() -> int:
    return int(getattr(settings, "PUTRIGHT_WEBHOOK_PAUSE_AFTER", 20))


def backoff(attempts: int) -> dt.timedelta:
    """30 s after the first failure, then 1, 2, 4 minutes ... at most 6 hours."""
    return dt.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the hook's secret, as hex."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def payload(delivery: Delivery) -> bytes:
    e = delivery.event
    return json.dumps({
        "delivery": delivery.pk,
        "event": {
            "id": e.id, "case": e.case.reference, "at": e.at, "kind": e.kind, "summary": e.summary,
            "actor": e.actor.username if e.actor else (e.actor_label or "system"), "data": e.data,
        },
    }, cls=DjangoJSONEncoder).encode()


def queue(now: dt.datetime) -> int:
    settled = settled_before(now)
    queued = 0
    for hook in Webhook.objects.filter(paused_at__isnull=True):
        with transaction.atomic():
            hook = Webhook.objects.select_for_update().get(pk=hook.pk)
            events = list(CaseEvent.objects.filter(id__gt=hook.last_event_id, at__lte=settled).order_by("id").values_list("id", "kind")[:1000])
            wanted = [Delivery(webhook=hook, event_id=i, next_attempt_at=now) for i, kind in events if hook.wants(kind)]
            Delivery.objects.bulk_create(wanted, ignore_conflicts=True)
            if events:
                Webhook.objects.filter(pk=hook.pk).update(last_event_id=events[-1][0])
            queued += len(wanted)
    return queued


def _claim(now: dt.datetime) -> Delivery | None:
    due = (
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now, webhook__paused_at__isnull=True)
        .order_by("next_attempt_at", "id").values_list("id", "next_attempt_at").first()
    )
    if due is None:
        return None
    pk, was = due
    # Only one sender wins: the row still has the time it had when we read it.
    claimed = Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING, next_attempt_at=was).update(
        next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return _claim(now)
    return Delivery.objects.select_related("webhook", "event__case", "event__actor").get(pk=pk)


def _post(hook: Webhook, delivery: Delivery, now: dt.datetime) -> tuple[int | None, str, str, int]:
    body = payload(delivery)
    timestamp = int(now.timestamp())
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "PutRight-Webhooks/1",
        "X-PutRight-Event": delivery.event.kind,
        "X-PutRight-Delivery": str(delivery.pk),
        "X-PutRight-Timestamp": str(timestamp),
        "X-PutRight-Signature": f"sha256={sign(hook.secret, timestamp, body)}",
    })
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            status, text, error = answer.status, answer.read(2000).decode(errors="replace"), ""
    except urllib.error.HTTPError as e:
        status, text, error = e.code, e.read(2000).decode(errors="replace"), ""
    except (urllib.error.URLError, OSError) as e:
        status, text, error = None, "", str(getattr(e, "reason", e))[:500]
    return status, text, error, int((time.monotonic() - started) * 1000)


def send_one(delivery: Delivery, now: dt.datetime) -> bool:
    hook = delivery.webhook
    status, text, error, ms = _post(hook, delivery, now)
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, at=now, status=status, response=text, error=error, duration_ms=ms)
        attempts = delivery.attempts + 1
        if ok:
            Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DELIVERED, attempts=attempts, delivered_at=now)
            Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
            return True
        gave_up = attempts >= max_attempts()
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, state=DeliveryState.GAVE_UP if gave_up else DeliveryState.PENDING,
            next_attempt_at=now + backoff(attempts),
        )
        Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        failures = Webhook.objects.values_list("consecutive_failures", flat=True).get(pk=hook.pk)
        if failures >= pause_after():
            answer = f"HTTP {status}" if status is not None else error
            Webhook.objects.filter(pk=hook.pk, paused_at__isnull=True).update(
                paused_at=now, paused_reason=f"{failures} failed deliveries in a row; the last: {answer}."
            )
    return False


def run_once(now: dt.datetime | None = None) -> dict:
    """Queue new events and send what is due. Returns counts: queued, delivered, failed."""
    now = now or timezone.now()
    counts = {"queued": queue(now), "delivered": 0, "failed": 0}
    while (delivery := _claim(now)) is not None:
        counts["delivered" if send_one(delivery, now) else "failed"] += 1
    return counts


def resume(hook: Webhook, now: dt.datetime | None = None) -> None:
    """An administrator resumes a paused hook: its pending deliveries are tried at once."""
    now = now or timezone.now()
    with transaction.atomic():
        Webhook.objects.filter(pk=hook.pk).update(paused_at=None, paused_reason="", consecutive_failures=0)
        Delivery.objects.filter(webhook=hook, state=DeliveryState.PENDING).update(next_attempt_at=now)



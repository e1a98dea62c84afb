"""GET /healthz and GET /readyz."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from putright.operations.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_whatever_the_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_needs_a_worker_seen_lately(client, settings):
    settings.PUTRIGHT_WORKER_STALE_SECONDS = 120
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok", "migrations": "ok", "worker": "never seen: start putright worker",
    }
    now = timezone.now()
    beat = WorkerHeartbeat.objects.create(worker_id="w1", hostname="app1", pid=1, started_at=now, seen_at=now)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {
        "status": "ok", "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }
    beat.seen_at = now - dt.timedelta(minutes=3)
    beat.save()
    response = client.get("/readyz")
    assert response.status_code == 503 and "is putright worker running?" in response.json()["checks"]["worker"]

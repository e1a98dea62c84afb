"""GET /healthz: the process is up. GET /readyz: it can serve (database reachable, migrations
applied, a worker seen within PUTRIGHT_WORKER_STALE_SECONDS). JSON, 200 or 503.

Answered before any other middleware: no host check (a load balancer asks by address), no
HTTPS redirect, no session, no log line every few seconds.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone


def readiness() -> dict:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        return checks
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied: run putright migrate"
    except DatabaseError as error:
        checks["migrations"] = f"unknown: {type(error).__name__}"
    try:
        from putright.operations.models import WorkerHeartbeat

        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        stale = dt.timedelta(seconds=settings.PUTRIGHT_WORKER_STALE_SECONDS)
        if last is None:
            checks["worker"] = "never seen: start putright worker"
        elif timezone.now() - last > stale:
            checks["worker"] = f"last seen {last:%Y-%m-%d %H:%M:%S %Z}: is putright worker running?"
        else:
            checks["worker"] = "ok"
    except DatabaseError as error:
        checks["worker"] = f"unknown: {type(error).__name__}"
    return checks


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return JsonResponse({"status": "ok"})
            if request.path == "/readyz":
                checks = readiness()
                ready = all(v == "ok" for v in checks.values())
                response = JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
                response._has_been_logged = True  # a load balancer asks every few seconds: no error line each time
                return response
        return self.get_response(request)

"""`putright worker`: one long-running process for everything that happens in the background.

1. Record a heartbeat (a row per worker, every few seconds, from its own thread) that /readyz reads.
2. Run the registered jobs that are due (putright/operations/jobs.py), the outbox every 2 seconds.
3. Sleep until the next job is due (at most a few seconds), and go round again.

SIGTERM or Ctrl+C lets the job in hand finish, then stops. SIGKILL at any moment loses nothing:
every job works from rows it claims with a lease and records what it finished.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid

from django.db import close_old_connections, connection
from django.utils import timezone

from putright.operations.jobs import Scheduler

log = logging.getLogger("putright.worker")

HEARTBEAT_SECONDS = 5


def beat(worker_id: str, started_at) -> None:
    from putright.operations.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:200], "pid": os.getpid(), "started_at": started_at, "seen_at": timezone.now()},
    )


class Worker:
    def __init__(self):
        self.worker_id = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.scheduler = Scheduler()

    def _heartbeat_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                beat(self.worker_id, self.started_at)
            except Exception:  # the database is away for a moment: say so, keep trying
                log.exception("Worker heartbeat failed")
            finally:
                connection.close()  # this thread's own connection
            self.stopping.wait(HEARTBEAT_SECONDS)

    def stop(self, signum=None, frame=None) -> None:
        log.info("Worker stopping after the job in hand", extra={"worker": self.worker_id})
        self.stopping.set()

    def run(self, *, once: bool = False) -> None:
        if not once:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        log.info("Worker started", extra={"worker": self.worker_id})
        beat(self.worker_id, self.started_at)
        if not once:
            threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True).start()
        while not self.stopping.is_set():
            if not once:
                close_old_connections()
            try:
                self.scheduler.run_due()
                wait = self.scheduler.seconds_to_next(longest=2.0)
            except Exception:  # e.g. the database restarting: log it, wait, go round again
                if once:
                    raise
                log.exception("Worker loop failed; trying again shortly")
                connection.close()
                wait = 5.0
            if once:
                break
            self.stopping.wait(wait)
        log.info("Worker stopped", extra={"worker": self.worker_id})

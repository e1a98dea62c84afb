"""What the worker leaves behind: each worker's heartbeat, and each periodic job's schedule."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running (or lately running) `putright worker`; /readyz reads the newest."""

    worker_id = models.CharField(max_length=80, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class JobState(models.Model):
    """When a periodic job runs next, and how its last run went.

    A worker claims a run with a conditional UPDATE of `next_run_at` (pushed forward by the job's
    lease), so two workers never run one job at once, and a worker killed mid-run only delays it
    by the lease: every job is safe to run again.
    """

    name = models.CharField(max_length=80, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    # A job's own memory between runs (e.g. the calendar it last recomputed deadlines for).
    memo = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in user's id in a column of its own, written
    whenever the session is (putright/operations/sessions.py): every request reads the session and
    its user in one statement, the user joined by that id (decision 0015). The id only says which
    user to read along: whether the session is signed in is still decided by what the session
    holds (the user's id, the backend, the hash of the password), as Django decides it.

    No database constraint: a session naming a user since removed is saved as Django would save
    it (and signs nobody in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from putright.operations.sessions import SessionStore

        return SessionStore

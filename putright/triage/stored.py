"""What triage made of a service request, stored on the case when it arrives.

Reading a description takes about a millisecond (putright.triage.engine), too slow to do for every
row of every queue page, or for every request of a quarter in the board's report. So the service
path stores the answer on the case (`Case.reads_as_complaint` and `Case.complaint_words`) when it
logs or imports a service request, and the queue and the reports read the columns. None means
"not worked out yet": those cases are read on the spot, and the worker's `triage_backfill` job
works through them (history imported closed) in batches. After a change to the triage's cues or
word model, set the columns back to None (a data migration) and the job reads them all again.
"""

from __future__ import annotations

from dataclasses import dataclass

from putright.triage.engine import suggest

SERVICE_REQUEST = "service_request"
BATCH = 2000


@dataclass(frozen=True)
class StoredSuggestion:
    """The part of a Suggestion the queue shows: it reads as a complaint, because of these words."""

    kind_why: tuple[str, ...]
    kind: str = "complaint"


def columns_for(kind: str, description: str) -> dict:
    """The stored triage columns for a new case: worked out for service requests only (the only
    kind they are read for)."""
    if kind != SERVICE_REQUEST:
        return {"reads_as_complaint": None, "complaint_words": None}
    s = suggest(description)
    complaint = s.kind == "complaint"
    return {"reads_as_complaint": complaint, "complaint_words": list(s.kind_why) if complaint else []}


def stored_suggestion(case) -> StoredSuggestion | None:
    """From the stored columns: the words if the description reads as a complaint, else None.
    A case not worked out yet is read now (and not saved: views do not write)."""
    if case.reads_as_complaint is None:
        s = suggest(case.description)
        return StoredSuggestion(kind_why=tuple(s.kind_why)) if s.kind == "complaint" else None
    if not case.reads_as_complaint:
        return None
    return StoredSuggestion(kind_why=tuple(case.complaint_words or ()))


def backfill(limit: int = BATCH) -> dict:
    """The worker's job: read up to ``limit`` service requests not worked out yet, newest first.
    Idempotent; each batch is saved on its own, so stopping half way loses nothing."""
    from django.db import transaction

    from putright.cases.models import Case

    rows = list(
        Case.objects.filter(kind=SERVICE_REQUEST, reads_as_complaint__isnull=True)
        .order_by("-id").values_list("pk", "description")[:limit]
    )
    done = 0
    with transaction.atomic():
        for pk, description in rows:
            columns = columns_for(SERVICE_REQUEST, description)
            # Only if still not worked out: the service path may have stored it meanwhile.
            done += Case.objects.filter(pk=pk, reads_as_complaint__isnull=True).update(**columns)
    return {"read": done}

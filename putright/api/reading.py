"""Reads through the API go in the access log of reading, like the pages (putright/audit).

Every answer that carries a case's or a resident's details writes one `ReadEvent` per case or
resident in it: a case read, each case on a page of the list, each case on a page of the events
feed, the case a step answers with, a resident read or written. The actor is the key's own user,
and `actor_label` names the key ("API key housing-system"), so the data protection officer sees
which system read what.
"""

from __future__ import annotations

from putright.audit import case_read_statement, record_case_reads, record_reads


def record(request, what: str, objects) -> None:
    key = request.auth
    record_reads(key.user, what, list(objects), path=request.get_full_path(), via=f"API key {key.name}")


def record_cases(request, cases) -> None:
    """The cases read, as (id, reference, resident id) rows: one ReadEvent each, as record()."""
    key = request.auth
    record_case_reads(key.user, list(cases), path=request.get_full_path(), via=f"API key {key.name}")


def case_statement(request, case):
    """The record of reading one case, as a statement to send with the reads that show it
    (putright.performance.compiled.together): what record(request, "case", [case]) writes."""
    key = request.auth
    return case_read_statement(key.user, case, path=request.get_full_path(), via=f"API key {key.name}")

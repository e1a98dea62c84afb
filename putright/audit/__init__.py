"""The access log of reading. Other code calls `record_read(actor, what, obj)`; see models.ReadEvent."""


def record_read(actor, what: str, obj=None, *, label: str = "", path: str = ""):
    """Record that `actor` (a member of staff, or None for a command) opened `obj`.

    `what` is one of models.What: "case", "resident", "attachment", "letter", "bundle", "export".
    `obj` is the Case, Resident, Attachment or Letter (a bundle's case; None for an export of
    many cases, with `label` saying what was exported). Returns the ReadEvent.
    """
    from putright.audit.recording import record

    return record(actor, what, obj, label=label, path=path)


def record_reads(actor, what: str, objects, *, path: str = "", via: str = "") -> int:
    """Record that `actor` read each of `objects` (Cases or Residents) at once, e.g. a page of
    the API's case list; `via` names the system's key ("API key housing-system"). Returns how many."""
    from putright.audit.recording import record_many

    return record_many(actor, what, objects, path=path, via=via)


def record_case_reads(actor, cases, *, path: str = "", via: str = "") -> int:
    """Record that `actor` read each case of `cases`, given as (id, reference, resident id)
    rows: what record_reads(actor, "case", ...) records, for a page that read them as rows (the
    API's events feed). Returns how many."""
    from putright.audit.recording import record_case_reads as record

    return record(actor, cases, path=path, via=via)


def case_read_statement(actor, case, *, path: str = "", via: str = ""):
    """What record_read(actor, "case", case, path=path) writes (record_reads(..., via=via) with
    `via`), as a statement to send with a page's own reads in one round trip
    (putright.performance.compiled.together): the case page, the API's case."""
    from putright.audit.recording import case_read_statement as statement

    return statement(actor, case, path=path, via=via)

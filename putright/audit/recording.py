"""How record_read finds the case and resident a read was about."""

from __future__ import annotations

from django.utils import timezone

from putright.audit.models import ReadEvent, What


def _case_and_resident(what: str, obj):
    """The case the read was about, and its resident's key (None for either when there is none)."""
    from putright.cases.models import Attachment, Case
    from putright.residents.models import Resident

    if obj is None:
        return None, None
    if isinstance(obj, Resident):
        return None, obj.pk
    if isinstance(obj, Case):
        case = obj
    elif isinstance(obj, Attachment):
        case = obj.correspondence.case
    else:  # a letter, or anything else that belongs to a case
        case = getattr(obj, "case", None)
    # The resident's key only: loading the resident to write its key was a query per case read.
    return case, (case.resident_id if case is not None else None)


def _label(what: str, obj, case) -> str:
    from putright.cases.models import Attachment

    if obj is None:
        return ""
    if isinstance(obj, Attachment):
        return f"{obj.name} on {case.reference}"
    if what == What.LETTER and case is not None:
        return f"{obj} on {case.reference}"
    if what == What.BUNDLE and case is not None:
        return case.reference
    return str(getattr(obj, "reference", "") or obj)


def record(actor, what: str, obj=None, *, label: str = "", path: str = "") -> ReadEvent:
    if what not in What.values:
        raise ValueError(f"Unknown kind of read: {what!r}")
    case, resident_id = _case_and_resident(what, obj)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return ReadEvent.objects.create(
        at=timezone.now(), actor=actor_user, actor_label="" if actor_user else (str(actor) if actor else "system"),
        what=what, object_id=str(getattr(obj, "pk", "") or ""), label=(label or _label(what, obj, case))[:300],
        case=case, resident_id=resident_id, path=path[:300],
    )


def record_many(actor, what: str, objects, *, path: str = "", via: str = "") -> int:
    """One ReadEvent per object, in one insert (a page of the API's case list, the events feed).
    `via` says how, when the actor is a system's user (e.g. "API key housing-system")."""
    if what not in What.values:
        raise ValueError(f"Unknown kind of read: {what!r}")
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    rows = []
    for obj in objects:
        case, resident_id = _case_and_resident(what, obj)
        rows.append(ReadEvent(
            at=now, actor=actor_user, actor_label=via[:200], what=what, object_id=str(obj.pk),
            label=_label(what, obj, case)[:300], case=case, resident_id=resident_id, path=path[:300],
        ))
    ReadEvent.objects.bulk_create(rows)
    return len(rows)

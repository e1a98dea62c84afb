"""The case bundle: the complete record of one case, for the Ombudsman or the resident.

For an Ombudsman information request or a resident's subject access request (Code 5.12: a full
record of each complaint). `build_bundle(case, audience)` returns:

- `pdf`: one document with an index (page numbers filled in by WeasyPrint), then the case summary,
  the stages (definition, responsibility, dates, extensions, decisions with reasons, refusals),
  the timeline with every event, every letter and message in and out with its date and full
  text, the letters issued, remedies and actions with their completion, and the list of files;
- `zip`: the originals: every attachment exactly as stored, every issued letter's PDF, the bundle
  PDF itself and `manifest.csv` (each file's path, size, SHA-256 and where it comes from).

Internal notes (`Correspondence.internal`) and their timeline entries are included for the
Ombudsman and left out for the resident; the resident's copy says so. Drafts are never included:
they were not sent. A stored file that is missing or whose checksum no longer matches is listed as
such rather than stopping the bundle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from putright.protect import csvsafe
from putright.cases.models import Case, CaseEvent, Correspondence, LandlordSettings, OutstandingAction, Stage
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Kind, State

from . import render
from .models import Letter, LetterStatus

AUDIENCES = ("ombudsman", "resident")


@dataclass
class BundleFile:
    path: str
    size: int
    sha256: str
    what: str
    on: str = ""
    note: str = ""


@dataclass
class Bundle:
    reference: str
    audience: str
    pdf: bytes = b""
    zip: bytes = b""
    files: list[BundleFile] = field(default_factory=list)

    @property
    def pdf_name(self) -> str:
        return f"{self.reference}.pdf"

    @property
    def zip_name(self) -> str:
        return f"{self.reference}.zip"


def _safe(name: str) -> str:
    """A file name safe in any ZIP tool: no folders, no control characters."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", name).strip(" .")
    return name or "file"


def _is_internal_event(event: CaseEvent) -> bool:
    return event.kind == "correspondence" and bool((event.data or {}).get("internal"))


def _read(field_file) -> bytes | None:
    try:
        with field_file.open("rb") as f:
            return f.read()
    except (FileNotFoundError, ValueError, OSError):
        return None


def _case(case: Case) -> Case:
    return (
        Case.objects.select_related("resident", "representative", "service_area", "handler")
        .prefetch_related(
            "themes",
            Prefetch("stages", queryset=Stage.objects.select_related("handler").prefetch_related("extensions", "points")),
            "remedies",
            Prefetch("actions", queryset=OutstandingAction.objects.select_related("owner").prefetch_related("updates")),
            "refusals",
        )
        .get(pk=case.pk)
    )


def build_bundle(case: Case, audience: str, *, produced_by: str = "", now: dt.datetime | None = None) -> Bundle:
    """1. gather the record for `audience`; 2. collect the original files; 3. render the PDF;
    4. write the ZIP with the PDF and the manifest."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    for_resident = audience == "resident"
    now = now or timezone.now()
    case = _case(case)
    bundle = Bundle(reference=case.reference, audience=audience)

    # 1. the record
    events = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id"))
    correspondence = list(
        Correspondence.objects.filter(case=case).select_related("created_by").prefetch_related("attachments").order_by("occurred_on", "id")
    )
    withheld = 0
    if for_resident:
        withheld = sum(1 for c in correspondence if c.internal)
        events = [e for e in events if not _is_internal_event(e)]
        correspondence = [c for c in correspondence if not c.internal]
    letters = list(
        Letter.objects.filter(case=case, status=LetterStatus.ISSUED).select_related("issued_by", "correspondence").order_by("issued_at", "id")
    )
    letter_by_correspondence = {l.correspondence_id: l for l in letters}

    # 2. the originals
    originals: list[tuple[BundleFile, bytes | None]] = []
    items = []
    for c in correspondence:
        files = []
        for a in c.attachments.all():
            path = f"attachments/{c.occurred_on:%Y-%m-%d}-{c.pk}-{a.pk}-{_safe(a.name)}"
            data = _read(a.file)
            note = ""
            if data is None:
                note = "missing from storage"
            elif hashlib.sha256(data).hexdigest() != a.sha256:
                note = "differs from the checksum recorded when it was received"
            entry = BundleFile(path, a.size, a.sha256, f"attachment “{a.name}” ({c.get_direction_display().lower()})", f"{c.occurred_on:%Y-%m-%d}", note)
            originals.append((entry, data))
            files.append({"name": a.name, "entry": entry, "type": a.content_type})
        items.append({"c": c, "files": files, "letter": letter_by_correspondence.get(c.pk)})
    letter_rows = []
    for l in letters:
        name = _safe(l.correspondence.attachments.first().name if l.correspondence else f"letter-{l.pk}.pdf")
        data = _read(l.pdf) if l.pdf else None
        entry = BundleFile(f"letters/{name}", len(data) if data else 0, l.pdf_sha256, f"{l.get_kind_display()} letter as issued", f"{l.issued_on:%Y-%m-%d}", "" if data else "missing from storage")
        if data is not None and hashlib.sha256(data).hexdigest() != l.pdf_sha256:
            entry.note = "differs from the checksum recorded when it was issued"
        originals.append((entry, data))
        letter_rows.append({"letter": l, "entry": entry})

    # 3. the PDF
    landlord = LandlordSettings.load()
    stages = sorted(case.stages.all(), key=lambda s: s.number)
    context = {
        "case": case,
        "landlord": landlord,
        "audience": audience,
        "for_resident": for_resident,
        "withheld": withheld,
        "kind": KIND_LABELS[Kind(case.kind)],
        "state": STATE_LABELS[State(case.state)],
        "stages": stages,
        "events": events,
        "items": items,
        "letters": letter_rows,
        "remedies": list(case.remedies.all()),
        "actions": list(case.actions.all()),
        "refusals": list(case.refusals.all()),
        "originals": [entry for entry, _ in originals],
        "produced_at": timezone.localtime(now),
        "produced_by": produced_by,
    }
    html = render_to_string("letters/bundle.html", context)
    bundle.pdf = render.pdf_bytes(html)

    # 4. the ZIP
    pdf_entry = BundleFile(bundle.pdf_name, len(bundle.pdf), hashlib.sha256(bundle.pdf).hexdigest(), "this bundle (index, record, timeline, correspondence)")
    bundle.files = [pdf_entry] + [entry for entry, _ in originals]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(bundle.pdf_name, bundle.pdf)
        seen = set()
        for entry, data in originals:
            if data is None or entry.path in seen:
                continue
            seen.add(entry.path)
            z.writestr(entry.path, data)
        manifest = io.StringIO()
        writer = csvsafe.writer(manifest, lineterminator="\n")
        writer.writerow(["path", "size_bytes", "sha256", "what", "date", "note"])
        for entry in bundle.files:
            writer.writerow([entry.path, entry.size, entry.sha256, entry.what, entry.on, entry.note])
        z.writestr("manifest.csv", manifest.getvalue())
    bundle.zip = out.getvalue()
    return bundle


def write_bundle(bundle: Bundle, directory: Path) -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pdf_path = directory / bundle.pdf_name
    zip_path = directory / bundle.zip_name
    pdf_path.write_bytes(bundle.pdf)
    zip_path.write_bytes(bundle.zip)
    return pdf_path, zip_path

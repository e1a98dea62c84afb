"""Subject access: everything PutRight holds about one person, across all their cases.

`build_person_bundle(resident)` returns one PDF and one ZIP:
- the PDF opens with the resident's own record (contact details, preferences, representatives,
  adjustments, restrictions, survey answers, Ombudsman cases, who read their record) and an index
  giving the page where each case starts; then each case's bundle as the resident gets it
  (`putright.letters.bundle.build_bundle(case, "resident")`: timeline, letters and messages,
  letters issued, remedies and actions; internal notes withheld and counted);
- the ZIP holds that PDF, each case's originals under `cases/REFERENCE/` (attachments exactly as
  stored, the PDF of every letter issued) and `manifest.csv` with each file's SHA-256.

Other people's data is left out: a representative appears by name and relationship only (they act
for the resident, who knows them), never their contact details; staff appear by name where they
acted on the case in their job; internal notes are withheld from the automatic bundle (the
data protection officer reviews them by hand: docs/data-protection.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from putright.cases.models import Case, LandlordSettings
from putright.letters import render
from putright.letters.bundle import _safe, build_bundle
from putright.ombudsman.models import OmbudsmanCase
from putright.portal.models import SurveyResponse
from putright.residents.models import Resident


@dataclass
class PersonBundle:
    name: str
    pdf: bytes
    zip: bytes
    references: list[str]

    @property
    def pdf_name(self) -> str:
        return f"{self.name}.pdf"

    @property
    def zip_name(self) -> str:
        return f"{self.name}.zip"


def cases_of(resident: Resident):
    """Every case about the resident: theirs, or brought for them by a representative."""
    return Case.objects.filter(Q(resident=resident) | Q(representative__resident=resident)).distinct().order_by("received_on", "id")


def read_log(resident: Resident) -> list[dict]:
    """Who opened this resident's record, or anything on their cases, and when (the read access
    log, putright/audit). Staff are named: they opened it in their job, as on the timeline."""
    from putright.audit.models import ReadEvent

    rows = []
    for read in ReadEvent.objects.about(resident).select_related("actor").order_by("at", "id"):
        who = (read.actor.get_full_name() or read.actor.username) if read.actor else read.actor_label
        rows.append({"at": read.at, "who": who, "what": f"{read.get_what_display().lower()} {read.label}".strip()})
    return rows


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _person_pdf(context: dict, starts: dict[str, int] | None) -> bytes:
    return render.pdf_bytes(render_to_string("privacy/subject_access.html", {**context, "starts": starts or {}}))


def build_person_bundle(resident: Resident, *, produced_by: str = "", now: dt.datetime | None = None) -> PersonBundle:
    """1. each case's bundle for the resident; 2. the resident's own record, with an index whose
    page numbers come from the case bundles' lengths; 3. one PDF; 4. the ZIP with the originals."""
    now = now or timezone.now()
    cases = list(cases_of(resident))
    name = f"subject-access-{resident.pk}-{timezone.localdate(now):%Y-%m-%d}"

    # 1. the cases
    bundles = [build_bundle(case, "resident", produced_by=produced_by, now=now) for case in cases]

    # 2. the resident's own record
    context = {
        "resident": resident,
        "landlord": LandlordSettings.load(),
        "produced_at": timezone.localtime(now),
        "produced_by": produced_by,
        "representatives": list(resident.representatives.all()),
        "adjustments": list(resident.adjustments.all()),
        "restrictions": list(resident.restrictions.all()),
        "surveys": list(SurveyResponse.objects.filter(case__in=cases).select_related("case")),
        "ombudsman": list(
            OmbudsmanCase.objects.filter(Q(resident=resident) | Q(case__in=cases)).distinct()
            .prefetch_related("determinations__findings", "orders")
        ),
        "reads": read_log(resident),
        "cases": [{"case": c, "pages": _pages(b.pdf)} for c, b in zip(cases, bundles)],
    }
    # The index gives each case's first page, so the record's own length is needed first: render
    # it, count, render again with the numbers (one more pass if the numbers changed its length).
    own = _person_pdf(context, None)
    for _ in range(3):
        page, starts = _pages(own) + 1, {}
        for c, b in zip(cases, bundles):
            starts[c.reference] = page
            page += _pages(b.pdf)
        again = _person_pdf(context, starts)
        if _pages(again) == _pages(own):
            own = again
            break
        own = again

    # 3. one PDF
    writer = PdfWriter()
    for part in [own] + [b.pdf for b in bundles]:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()

    # 4. the ZIP
    rows = [[f"{name}.pdf", len(pdf), hashlib.sha256(pdf).hexdigest(), "this bundle: the record and every case", ""]]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}.pdf", pdf)
        for case, bundle in zip(cases, bundles):
            folder = f"cases/{_safe(case.reference)}"
            with zipfile.ZipFile(io.BytesIO(bundle.zip)) as inner:
                for entry in bundle.files[1:]:  # the case's own PDF is inside the one above
                    if entry.path in inner.namelist():
                        z.writestr(f"{folder}/{entry.path}", inner.read(entry.path))
                    rows.append([f"{folder}/{entry.path}", entry.size, entry.sha256, entry.what, entry.on, entry.note])
        manifest = io.StringIO()
        writer_csv = csv.writer(manifest, lineterminator="\n")
        writer_csv.writerow(["path", "size_bytes", "sha256", "what", "date", "note"])
        writer_csv.writerows(rows)
        z.writestr("manifest.csv", manifest.getvalue())
    return PersonBundle(name=name, pdf=pdf, zip=archive.getvalue(), references=[c.reference for c in cases])


def write_person_bundle(bundle: PersonBundle, directory: Path) -> tuple[Path, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pdf_path, zip_path = directory / bundle.pdf_name, directory / bundle.zip_name
    pdf_path.write_bytes(bundle.pdf)
    zip_path.write_bytes(bundle.zip)
    return pdf_path, zip_path


def produce_person_bundle(resident: Resident, *, actor=None, actor_label: str = "", now: dt.datetime | None = None) -> PersonBundle:
    """Build the bundle and note on the resident's record who produced it and when (never its contents)."""
    from putright.residents.models import ResidentEvent

    who = actor.display_name if actor is not None else actor_label
    bundle = build_person_bundle(resident, produced_by=who, now=now)
    ResidentEvent.objects.create(
        resident=resident, at=now or timezone.now(), actor=actor, actor_label=actor_label, kind="subject_access_bundle",
        summary=f"Subject access bundle produced: {len(bundle.references)} case(s).",
        data={"cases": bundle.references, "sha256": hashlib.sha256(bundle.pdf).hexdigest()},
    )
    return bundle


def find_resident(text: str) -> Resident:
    """A resident by record number, email address or tenancy reference; LookupError if none or several."""
    text = text.strip()
    if text.isdigit():
        found = Resident.objects.filter(pk=int(text))
    elif "@" in text:
        found = Resident.objects.filter(email__iexact=text)
    else:
        found = Resident.objects.filter(tenancy_reference__iexact=text)
    found = list(found[:2])
    if not found:
        raise LookupError(f"No resident has the record number, email address or tenancy reference {text!r}.")
    if len(found) > 1:
        raise LookupError(f"More than one resident matches {text!r}: give the record number instead.")
    return found[0]

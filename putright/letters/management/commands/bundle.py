"""`putright bundle CASE-REF --for ombudsman|resident --output DIR`: the complete record of a case."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.cases.models import Case
from putright.letters.actions import produce_bundle
from putright.letters.bundle import AUDIENCES, write_bundle


class Command(BaseCommand):
    help = (
        "Write CASE-REF.pdf (an index, then the case summary, the timeline with every event, every "
        "letter and message in and out, remedies and actions) and CASE-REF.zip (the originals: "
        "every attachment, every issued letter's PDF, the bundle PDF and manifest.csv) into DIR. "
        "--for ombudsman includes internal notes; --for resident (a subject access request) "
        "leaves them out. The bundle's production is noted on the case's timeline."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("reference", metavar="CASE-REF")
        parser.add_argument("--for", dest="audience", required=True, choices=AUDIENCES, help="who the bundle is for")
        parser.add_argument("--output", default=".", metavar="DIR", help="the folder to write into (made if needed)")

    def handle(self, *args, reference, audience, output, **options):
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"No case with reference {reference}.")
        result = produce_bundle(case, audience, actor_label="putright bundle")
        pdf_path, zip_path = write_bundle(result, Path(output))
        self.stdout.write(f"{pdf_path}\n{zip_path}")
        missing = [f for f in result.files if f.note]
        for f in missing:
            self.stderr.write(f"{f.path}: {f.note}")

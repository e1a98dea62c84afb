from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.privacy.subject_access import find_resident, produce_person_bundle, write_person_bundle


class Command(BaseCommand):
    help = (
        "Everything held about one resident across all their cases: one PDF with an index, and a ZIP "
        "with the originals and a manifest. RESIDENT is their record number, email address or tenancy reference."
    )

    def add_arguments(self, parser):
        parser.add_argument("resident")
        parser.add_argument("--output", required=True, help="The folder to write the PDF and ZIP into.")

    def handle(self, *args, **options):
        try:
            resident = find_resident(options["resident"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        bundle = produce_person_bundle(resident, actor_label="putright subject-access")
        pdf, archive = write_person_bundle(bundle, Path(options["output"]))
        self.stdout.write(f"Cases: {len(bundle.references)} ({', '.join(bundle.references) or 'none'})")
        self.stdout.write(f"Wrote {pdf}")
        self.stdout.write(f"Wrote {archive}")

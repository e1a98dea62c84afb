from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.operations.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = (
        "Back up the database (a consistent copy, taken while PutRight runs) and the uploaded files "
        "into a new folder, with a manifest of checksums. Restore with `putright restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new (or empty) folder")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Backed up to {directory}: {describe(manifest)}.")

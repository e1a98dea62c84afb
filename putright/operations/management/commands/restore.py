from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.operations.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = (
        "Bring back a backup made by `putright backup` into an empty install: checks every "
        "checksum first, then restores the database and the uploaded files and runs the migrations."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="the backup folder (with manifest.json)")
        parser.add_argument("--force", action="store_true", help="replace the data this install already holds")

    def handle(self, *args, directory, force, **options):
        try:
            manifest = restore(directory, force=force)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Restored from {directory}: {describe(manifest)}.")

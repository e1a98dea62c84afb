"""`putright export cases [FILE.csv]`: every case as CSV, in the interchange format."""

import os

from django.core.management.base import BaseCommand, CommandError

from putright.audit import record_read
from putright.cases.interchange import write_history

EXPORTER = "putright export cases (command line)"


class Command(BaseCommand):
    help = (
        "Export every case, ordered by reference, as CSV in PutRight's interchange format (see "
        "docs/interchange.md), the same format `putright import cases` reads. Writes to FILE.csv, "
        "or to standard output when no file is given."
    )
    # Only the database is needed: an import or export need not wait on checks of the web side.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["cases"], help="what to export: cases")
        parser.add_argument("path", nargs="?", metavar="FILE.csv", help="where to write it (default: standard output)")
        parser.add_argument(
            "--bom",
            action="store_true",
            help="start the file with a UTF-8 byte order mark, so Excel opens accented letters and £ correctly",
        )

    def handle(self, *args, what, path, bom, **options):
        if path:
            try:
                with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                    count = write_history(out)
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror or error}") from None
            os.chmod(path, 0o640)  # residents' words: not for every user of the machine
            record_read(EXPORTER, "export", None, label=f"{count} case(s) to {path}")
            self.stdout.write(f"{count} case(s) written to {path}.")
        else:
            if bom:
                self.stdout.write("\ufeff", ending="")
            count = write_history(self.stdout)
            record_read(EXPORTER, "export", None, label=f"{count} case(s) to standard output")

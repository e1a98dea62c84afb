"""`putright import cases FILE.csv [--skip-invalid]`: bring in case history from another system."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.cases.importing import import_history


class Command(BaseCommand):
    help = (
        "Import case history from a CSV file in PutRight's interchange format (see "
        "docs/interchange.md): UTF-8, a header row, one case per row. Every row is checked first "
        "and every problem listed by line number; if there are any, nothing is imported, unless "
        "--skip-invalid is given. Late or over-long steps are kept and flagged, not refused. Cases "
        "whose reference is already in PutRight are left unchanged, so importing a file twice is "
        "safe."
    )
    # Only the database is needed: an import or export need not wait on checks of the web side.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["cases", "residents"], help="what to import: cases, or residents (docs/api.md)")
        parser.add_argument("path", metavar="FILE.csv", help="the CSV file to import")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the rows that are valid and list the others, instead of importing nothing",
        )

    def handle(self, *args, what, path, skip_invalid, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        if what == "residents":
            from putright.housing.management import import_residents_file

            return import_residents_file(self, file)
        report = import_history(file, skip_invalid=skip_invalid, actor_label="putright import")
        for problem in report.problems:
            self.stderr.write(str(problem))
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.unreadable:
            raise CommandError(f"{file.name} could not be read: nothing imported")
        if not report.written:
            count = len(report.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {report.invalid_rows} row(s): nothing imported. "
                "Correct the file, or use --skip-invalid to import the valid rows only."
            )
        if report.problems:
            self.stderr.write(f"{report.invalid_rows} invalid row(s) skipped; the other rows were imported.")

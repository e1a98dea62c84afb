"""`putright import residents FILE` (the `import` command in putright.cases hands over to this)."""

from django.core.management.base import CommandError
from django.utils import timezone

from putright.housing.interchange import import_residents


def import_residents_file(command, file) -> None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{file.name} is not UTF-8: nothing imported. Save it as CSV UTF-8 and try again.")
    report = import_residents(text, today=timezone.localdate())
    for problem in report.problems:
        command.stderr.write(str(problem))
    if not report.written:
        count = len(report.problems)
        raise CommandError(f"{count} problem{'s' if count != 1 else ''}: nothing imported. Correct the file and import it again.")
    command.stdout.write(f"{report.created} resident(s) added, {report.updated} updated.")

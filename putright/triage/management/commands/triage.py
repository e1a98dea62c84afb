"""`putright triage FILE`: suggest kind, theme, confidence and why for each message in FILE."""

import sys

from django.core.management.base import BaseCommand, CommandError

from putright.triage.jsonlines import BadLines, answer, read


class Command(BaseCommand):
    help = (
        "Read JSON Lines, one {\"id\": ..., \"text\": ...} a line (FILE, or - for standard input), and "
        "write one JSON object a line: id, kind, also_service_request, theme, confidence, why. "
        "Suggestions only: nothing is saved. A file with a bad line is not answered at all; each "
        "bad line is named."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="JSON Lines file, or - for standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                messages = read(sys.stdin)
            else:
                with open(file, encoding="utf-8") as f:
                    messages = read(f)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text") from None
        except IsADirectoryError:
            raise CommandError(f"{file} is a folder, not a file") from None
        except BadLines as bad:
            shown = bad.errors[:20]
            more = f"\n… and {len(bad.errors) - 20} more" if len(bad.errors) > 20 else ""
            raise CommandError(f"{len(bad.errors)} bad line(s), nothing triaged:\n" + "\n".join(shown) + more) from None
        for message in messages:
            self.stdout.write(answer(message))

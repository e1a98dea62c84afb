"""The `putright` command: Django's management commands under one friendly name.

`putright demo`, `putright serve`, `putright timescales`, `putright import cases FILE` and the rest
are management commands; anything else Django knows (`migrate`, `createsuperuser`) passes through.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "putright"
    execute_from_command_line(argv)

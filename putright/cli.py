"""The `putright` command: Django's management commands under one friendly name.

`putright demo`, `putright serve`, `putright worker`, `putright timescales`, `putright import cases
FILE` and the rest are management commands; anything else Django knows (`migrate`,
`createsuperuser`) passes through. `putright demo` turns the demo on (PUTRIGHT_DEMO=1) for itself.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "putright"
    if argv[1:2] == ["demo"]:
        os.environ.setdefault("PUTRIGHT_DEMO", "1")
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A missing secret key and the like: one line that says what to do, not a traceback.
        sys.stderr.write(f"putright: {error}\n")
        sys.exit(2)

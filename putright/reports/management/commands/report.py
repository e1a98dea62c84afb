"""`putright report annual|quarter --year 2024 [--quarter 1] [--format json] [--output FILE]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.reports import periods
from putright.reports.management.commands.homes import parse_year
from putright.reports.queries import annual_figures, quarter_figures

FORMATS = ("json", "html", "pdf")


class Command(BaseCommand):
    help = (
        "Print a reporting period's complaint figures. `annual --year 2024` covers 1 April 2024 to "
        "31 March 2025, with a three-year comparison; `quarter --year 2024 --quarter 1` covers "
        "April to June 2024 (quarter 4 is January to March 2025). --format json (the default) "
        "prints the figures and each figure's definition as JSON, indented, to standard output or "
        "to --output FILE. --format html writes the report as one self-contained HTML page (the "
        "annual complaints performance and service improvement report, Code 8.1 a-f, or the "
        "quarterly board report, 9.7 a-c), charts included; --format pdf writes it as a PDF and "
        "needs --output FILE. Definitions: docs/reports.md."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        # Checked in handle(), not by argparse, so a bad value gives a one-line reason.
        parser.add_argument("kind", nargs="?", metavar="annual|quarter", help="the whole reporting year, or one quarter of it")
        parser.add_argument("--year", help="the reporting year starting 1 April, e.g. 2024 for 2024/25")
        parser.add_argument("--quarter", help="with `quarter`: 1 (Apr-Jun), 2 (Jul-Sep), 3 (Oct-Dec) or 4 (Jan-Mar)")
        parser.add_argument("--format", default="json", help="json (default), html, or pdf (needs --output)")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args, kind=None, year=None, quarter=None, format="json", output=None, **options):
        if kind not in ("annual", "quarter"):
            given = f", not {kind!r}" if kind else ""
            raise CommandError(f"say which report: `putright report annual --year 2024` or `putright report quarter --year 2024 --quarter 1`{given}")
        year = parse_year(year)
        if kind == "quarter":
            if quarter is None:
                raise CommandError("--quarter is required with `quarter`: 1 (Apr-Jun), 2 (Jul-Sep), 3 (Oct-Dec) or 4 (Jan-Mar)")
            if quarter.strip() not in ("1", "2", "3", "4"):
                raise CommandError(f"--quarter must be 1, 2, 3 or 4, not {quarter!r}")
            quarter = int(quarter)
        elif quarter is not None:
            raise CommandError("--quarter is only for `putright report quarter`; the annual report covers the whole year")
        format = (format or "").strip().lower()
        if format not in FORMATS:
            raise CommandError(f"--format must be json, html or pdf, not {format!r}")
        if format == "pdf" and not output:
            raise CommandError("--format pdf needs --output FILE: a PDF is not written to standard output")
        target = None
        if output:
            target = Path(output)
            if target.is_dir():
                raise CommandError(f"--output {output} is a directory: give a file name")
            if not target.parent.is_dir():
                raise CommandError(f"--output {output}: the directory {target.parent} does not exist")
        if format == "json":
            figures = annual_figures(year) if kind == "annual" else quarter_figures(year, quarter)
            text = json.dumps(figures, indent=2, ensure_ascii=False)
        else:
            from putright.reports import render  # Matplotlib and WeasyPrint load only when needed

            text = render.annual_html(year) if kind == "annual" else render.quarter_html(year, quarter)
            if format == "pdf":
                try:
                    target.write_bytes(render.pdf_bytes(text))
                except OSError as error:
                    raise CommandError(f"--output {output}: {error.strerror or error}") from None
                self._written(kind, year, quarter, format, output)
                return
        if target is None:
            self.stdout.write(text)
            return
        try:
            target.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--output {output}: {error.strerror or error}") from None
        self._written(kind, year, quarter, format, output)

    def _written(self, kind, year, quarter, format, output):
        period = periods.reporting_year(year) if kind == "annual" else periods.quarter(year, quarter)
        what = "figures" if format == "json" else f"{'annual report' if kind == 'annual' else 'board report'} ({format.upper()})"
        self.stderr.write(f"Wrote the {period.label} {what} to {output}")

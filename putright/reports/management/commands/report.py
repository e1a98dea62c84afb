"""`putright report annual|quarter --year 2024 [--quarter 1] [--format json] [--output FILE]`
and `putright report self-assessment --year 2024 --format html|pdf|csv [--output FILE] [--version N]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.reports import periods
from putright.reports.management.commands.homes import parse_year
from putright.reports.queries import annual_figures, quarter_figures

KINDS = ("annual", "quarter", "self-assessment")
FORMATS = ("json", "html", "pdf")
SELF_ASSESSMENT_FORMATS = ("html", "pdf", "csv")


class Command(BaseCommand):
    help = (
        "Print a reporting period's complaint figures. `annual --year 2024` covers 1 April 2024 to "
        "31 March 2025, with a three-year comparison; `quarter --year 2024 --quarter 1` covers "
        "April to June 2024 (quarter 4 is January to March 2025). --format json (the default) "
        "prints the figures and each figure's definition as JSON, indented, to standard output or "
        "to --output FILE. --format html writes the report as one self-contained HTML page (the "
        "annual complaints performance and service improvement report, Code 8.1 a-f, or the "
        "quarterly board report, 9.7 a-c), charts included; --format pdf writes it as a PDF and "
        "needs --output FILE. `self-assessment --year 2024 --format html|pdf|csv` writes the "
        "self-assessment against the Code for that year as published (the Ombudsman's table; csv "
        "for the Ombudsman's spreadsheet): the latest version the governing body approved, else "
        "the latest version, or --version N. Definitions: docs/reports.md."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        # Checked in handle(), not by argparse, so a bad value gives a one-line reason.
        parser.add_argument("kind", nargs="?", metavar="annual|quarter|self-assessment",
                            help="the whole reporting year, one quarter of it, or the year's Code self-assessment")
        parser.add_argument("--year", help="the reporting year starting 1 April, e.g. 2024 for 2024/25")
        parser.add_argument("--quarter", help="with `quarter`: 1 (Apr-Jun), 2 (Jul-Sep), 3 (Oct-Dec) or 4 (Jan-Mar)")
        parser.add_argument("--format", help="json (default), html, or pdf (needs --output); a self-assessment: html, pdf or csv")
        parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
        parser.add_argument("--version", metavar="N", help="with `self-assessment`: this version instead of the latest")

    def add_base_argument(self, parser, *args, **kwargs):
        # Django gives every command --version, printing Django's version number; here --version
        # is the self-assessment's version (added in add_arguments), so Django's is left out.
        if "--version" in args:
            return
        super().add_base_argument(parser, *args, **kwargs)

    def handle(self, *args, kind=None, year=None, quarter=None, format=None, output=None, version=None, **options):
        if kind not in KINDS:
            given = f", not {kind!r}" if kind else ""
            raise CommandError(
                "say which report: `putright report annual --year 2024`, `putright report quarter --year 2024 --quarter 1` "
                f"or `putright report self-assessment --year 2024 --format html`{given}"
            )
        year = parse_year(year)
        if kind == "self-assessment":
            self._self_assessment(year, quarter, format, output, version)
            return
        if version is not None:
            raise CommandError(f"--version is only for `putright report self-assessment`, not `{kind}`")
        if kind == "quarter":
            if quarter is None:
                raise CommandError("--quarter is required with `quarter`: 1 (Apr-Jun), 2 (Jul-Sep), 3 (Oct-Dec) or 4 (Jan-Mar)")
            if quarter.strip() not in ("1", "2", "3", "4"):
                raise CommandError(f"--quarter must be 1, 2, 3 or 4, not {quarter!r}")
            quarter = int(quarter)
        elif quarter is not None:
            raise CommandError("--quarter is only for `putright report quarter`; the annual report covers the whole year")
        format = "json" if format is None else format.strip().lower()
        if format not in FORMATS:
            raise CommandError(f"--format must be json, html or pdf, not {format!r}")
        if format == "pdf" and not output:
            raise CommandError("--format pdf needs --output FILE: a PDF is not written to standard output")
        target = _target(output)
        if format == "json":
            figures = annual_figures(year) if kind == "annual" else quarter_figures(year, quarter)
            text = json.dumps(figures, indent=2, ensure_ascii=False)
        else:
            from putright.reports import render  # Matplotlib and WeasyPrint load only when needed

            text = render.annual_html(year) if kind == "annual" else render.quarter_html(year, quarter)
            if format == "pdf":
                _write_bytes(target, output, render.pdf_bytes(text))
                self._written(kind, year, quarter, format, output)
                return
        if target is None:
            self.stdout.write(text)
            return
        _write_text(target, output, text + "\n")
        self._written(kind, year, quarter, format, output)

    def _written(self, kind, year, quarter, format, output):
        period = periods.reporting_year(year) if kind == "annual" else periods.quarter(year, quarter)
        what = "figures" if format == "json" else f"{'annual report' if kind == 'annual' else 'board report'} ({format.upper()})"
        self.stderr.write(f"Wrote the {period.label} {what} to {output}")

    def _self_assessment(self, year, quarter, format, output, version):
        """1. check the options; 2. choose the version (say which on standard error);
        3. write it as html, pdf or csv."""
        from putright.selfassessment import publish
        from putright.selfassessment.models import SelfAssessment

        if quarter is not None:
            raise CommandError("--quarter is only for `putright report quarter`; a self-assessment covers the whole reporting year")
        accepted = ", ".join(SELF_ASSESSMENT_FORMATS[:-1]) + " or " + SELF_ASSESSMENT_FORMATS[-1]
        if format is None:
            raise CommandError(f"--format is required with `self-assessment`: {accepted}")
        format = format.strip().lower()
        if format == "json":
            raise CommandError(f"--format json is not available for a self-assessment: use {accepted}")
        if format not in SELF_ASSESSMENT_FORMATS:
            raise CommandError(f"--format must be {accepted} for a self-assessment, not {format!r}")
        if format == "pdf" and not output:
            raise CommandError("--format pdf needs --output FILE: a PDF is not written to standard output")
        number = None
        if version is not None:
            text = version.strip()
            if not (text.isascii() and text.isdigit()) or int(text) < 1:
                raise CommandError(f"--version must be a version number such as 2, not {version!r}")
            number = int(text)
        target = _target(output)
        try:
            assessment = publish.choose(year, number)
        except SelfAssessment.DoesNotExist as error:
            raise CommandError(str(error)) from None
        self.stderr.write(publish.status(assessment))
        if format == "pdf":
            _write_bytes(target, output, publish.pdf(assessment))
        else:
            text = publish.html(assessment) + "\n" if format == "html" else publish.csv_text(assessment)
            if target is None:
                self.stdout.write(text, ending="")
                return
            _write_text(target, output, text)
        self.stderr.write(f"Wrote the {periods.year_label(year)} self-assessment, version {assessment.version} "
                          f"({format.upper()}), to {output}")


def _target(output: str | None) -> Path | None:
    if not output:
        return None
    target = Path(output)
    if target.is_dir():
        raise CommandError(f"--output {output} is a directory: give a file name")
    if not target.parent.is_dir():
        raise CommandError(f"--output {output}: the directory {target.parent} does not exist")
    return target


def _write_text(target: Path, output: str, text: str) -> None:
    try:
        # newline="": the CSV's own line endings (\r\n) are written as they are.
        target.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise CommandError(f"--output {output}: {error.strerror or error}") from None


def _write_bytes(target: Path, output: str, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as error:
        raise CommandError(f"--output {output}: {error.strerror or error}") from None

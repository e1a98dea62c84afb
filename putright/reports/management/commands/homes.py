"""`putright homes --year 2024 --lcra N [--lcho N]`: homes owned in a reporting year (CH01)."""

from django.core.management.base import BaseCommand, CommandError

from putright.cases.models import HomesOwned
from putright.reports import periods


def _whole(value: str | None, flag: str) -> int | None:
    if value is None:
        return None
    text = value.replace(",", "").replace("_", "").strip()
    if not text.isdigit():
        raise CommandError(f"{flag} must be a whole number of homes, 0 or more, not {value!r}")
    number = int(text)
    if number > 2_147_483_647:
        raise CommandError(f"{flag} {value} is more homes than can be stored")
    return number


def parse_year(value: str | None) -> int:
    if value is None:
        raise CommandError("--year is required: the reporting year, e.g. --year 2024 for 1 April 2024 to 31 March 2025")
    try:
        year = int(value.strip())
    except ValueError:
        raise CommandError(f"--year must be a year such as 2024 (for 2024/25), not {value!r}") from None
    try:
        return periods.check_year(year)
    except ValueError as error:
        raise CommandError(f"--year: {error}") from None


class Command(BaseCommand):
    help = (
        "Set the homes owned in a reporting year, for complaints per 1,000 homes (the Regulator's "
        "CH01). --year 2024 means the year 1 April 2024 to 31 March 2025. --lcra is low cost "
        "rental accommodation, --lcho low cost home ownership; an existing year keeps its --lcho "
        "when it is not given (a new year starts at 0). Prints what was set."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        # Checked in handle(), not by argparse, so a bad value gives a one-line reason.
        parser.add_argument("--year", help="the reporting year starting 1 April, e.g. 2024 for 2024/25")
        parser.add_argument("--lcra", metavar="N", help="low cost rental homes owned (required)")
        parser.add_argument("--lcho", metavar="N", help="low cost home ownership homes owned")

    def handle(self, *args, year=None, lcra=None, lcho=None, **options):
        year = parse_year(year)
        if lcra is None:
            raise CommandError("--lcra is required: the number of low cost rental homes owned")
        lcra = _whole(lcra, "--lcra")
        lcho = _whole(lcho, "--lcho")
        homes = HomesOwned.objects.filter(year=year).first()
        created = homes is None
        if created:
            homes = HomesOwned(year=year, lcho=0)
        before = (homes.lcra, homes.lcho) if not created else None
        homes.lcra = lcra
        if lcho is not None:
            homes.lcho = lcho
        homes.save()
        period = periods.reporting_year(year)
        what = "created" if created else ("unchanged" if before == (homes.lcra, homes.lcho) else f"updated from {before[0]:,} LCRA and {before[1]:,} LCHO")
        self.stdout.write(
            f"Homes owned in {period.label} ({period.description}): {homes.lcra:,} low cost rental (LCRA), "
            f"{homes.lcho:,} low cost home ownership (LCHO), {homes.lcra + homes.lcho:,} in all ({what})."
        )

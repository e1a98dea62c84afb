"""The suite's frozen clock, and shared test personas: staff of each role, and two residents.

Tests run against a real SQLite file (var/test-putright.sqlite3) or, when DATABASE_URL is set, a
real PostgreSQL server. "Now" is frozen for the whole run at one documented instant (tests/clock.py:
Monday 23 November 2026, 10:00 in London, or PUTRIGHT_TEST_TODAY), so no test depends on the day
it runs.
"""

import datetime as dt

import pytest
import time_machine
from time_machine import escape_hatch

from tests import clock

from putright.accounts.models import Role, User
from putright.residents.models import Resident, Tenure


def pytest_configure(config):
    config.addinivalue_line("markers", "real_clock: the test runs on the real clock, not the suite's frozen one")
    try:
        clock.frozen_instant()
    except clock.BadTestDate as error:
        raise pytest.UsageError(str(error)) from None


def pytest_report_header(config):
    instant = clock.frozen_instant()
    return f"clock: frozen at {instant:%A %d %B %Y %H:%M %Z} (tests/clock.py; {clock.ENV} to change it)"


@pytest.fixture(autouse=True, scope="session")
def _frozen_clock():
    """Freeze "now" for the whole run; it ticks from there, so elapsed times stay real."""
    with time_machine.travel(clock.frozen_instant(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _real_clock_when_asked(request):
    if request.node.get_closest_marker("real_clock") is None:
        yield
        return
    with time_machine.travel(escape_hatch.time.time(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _queue_builds_forgotten():
    """No test is shown a queue page built by an earlier one (putright.cases.views.queue_kept):
    a test may change how the queue builds its query."""
    from putright.cases.views import queue_kept

    queue_kept.forget()


@pytest.fixture
def today() -> dt.date:
    """The suite's frozen today (Monday 23 November 2026 unless PUTRIGHT_TEST_TODAY says otherwise):
    the same date timezone.localdate() gives the views while the clock is frozen."""
    return clock.frozen_today()


def _user(username: str, role: str) -> User:
    return User.objects.create_user(username, password="correct horse battery", role=role, first_name=username.title())


@pytest.fixture
def admin_user(db):
    return _user("ada", Role.ADMINISTRATOR)


@pytest.fixture
def manager(db):
    return _user("maya", Role.MANAGER)


@pytest.fixture
def handler(db):
    return _user("hari", Role.HANDLER)


@pytest.fixture
def other_handler(db):
    return _user("olu", Role.HANDLER)


@pytest.fixture
def oversight(db):
    return _user("owen", Role.OVERSIGHT)


@pytest.fixture
def resident(db):
    return Resident.objects.create(name="Rita Patel", email="rita@example.org", tenure=Tenure.LCRA)


@pytest.fixture
def other_resident(db):
    return Resident.objects.create(name="Sam Jones", email="sam@example.org", tenure=Tenure.LCHO)


# Security (issue 14): `client.force_login(user)` signs in with both factors (putright/twofactor/testing.py).
from putright.twofactor import testing as _twofactor_testing  # noqa: E402

_twofactor_testing.install()


def _postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with autovacuum off on PostgreSQL (tests/planner.py)."""
    if _postgresql():
        from tests import planner

        with django_db_blocker.unblock():
            planner.no_autovacuum()


@pytest.fixture(autouse=True)
def _statistics_of_earlier_tests_forgotten(request, django_db_blocker):
    """On PostgreSQL, no test plans its queries with statistics an earlier test left (tests/planner.py)."""
    if "_django_db_helper" in request.fixturenames and _postgresql():
        from tests import planner

        with django_db_blocker.unblock():
            planner.forget_statistics()
    yield

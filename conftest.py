"""Shared test personas: staff of each role, and two residents.

Tests run against a real SQLite file (var/test-putright.sqlite3) or, when DATABASE_URL is set, a
real PostgreSQL server.
"""

import datetime as dt

import pytest

from putright.accounts.models import Role, User
from putright.residents.models import Resident, Tenure


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def today():
    """A fixed 'today' for actions: Monday 23 November 2026."""
    return dt.date(2026, 11, 23)


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

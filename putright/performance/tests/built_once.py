"""test_open_orders' open cases, built once for a whole test module (tests/moduledata.py).

Built for each test, they cost 3-6 s a test (test_one_handler_closed's 44 tests: 113 s on SQLite
and 223 s on PostgreSQL). A module that builds them once defines `_built = module_data(build)`,
where `build` calls `open_cases()` and adds its own rows, and binds the fixtures below to its own
names (`handler = built_once.handler`: imported, the linter would read each test's `handler`
argument as redefining the import). They stand in for conftest's `handler` and `other_handler`
and test_open_orders' `area`, which would otherwise make those people and that area again in
each test.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases.models import ServiceArea
from putright.cases.tests import factories as f
from putright.performance.tests.test_open_orders import make_open_cases
from putright.residents.models import Resident, Tenure


@contextmanager
def on_the_tests_day():
    """Within it, the day is the one the modules' fixtures give the views (f.TODAY), as when
    their cases were built in each test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)
        yield


def hari() -> User:
    """conftest's `handler`, less the password."""
    return User.objects.create_user("hari", role=Role.HANDLER, first_name="Hari")


def rita_patel() -> Resident:
    """conftest's `resident`."""
    return Resident.objects.create(name="Rita Patel", email="rita@example.org", tenure=Tenure.LCRA)


def open_cases(build=None) -> None:
    """The people (as conftest makes them, less their passwords), the service area and
    `make_open_cases`' cases, then `build(handler, other_handler, resident)`, on the tests' day."""
    with on_the_tests_day():
        handler, resident = hari(), rita_patel()
        other_handler = User.objects.create_user("olu", role=Role.HANDLER, first_name="Olu")
        other_resident = Resident.objects.create(name="Sam Jones", email="sam@example.org", tenure=Tenure.LCHO)
        make_open_cases(handler, other_handler, resident, other_resident, ServiceArea.objects.create(name="Repairs"))
        if build is not None:
            build(handler, other_handler, resident)


@pytest.fixture
def handler(_built, db):
    return User.objects.get(username="hari")


@pytest.fixture
def other_handler(_built, db):
    return User.objects.get(username="olu")


@pytest.fixture
def area(_built, db):
    return ServiceArea.objects.get(name="Repairs")

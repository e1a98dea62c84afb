"""Data built once for a whole test module, each test seeing it fresh.

`module_data(build)` gives a module-scoped fixture: `build()` runs once, inside a transaction held
open for the module and rolled back at its end; each test's own transaction (pytest-django's `db`)
is a savepoint inside it, rolled back after the test, so no test sees another's changes. For
modules whose tests all read the same demo landlord: building it once instead of per test saves
several seconds a test. A test in such a module that must not see the data runs before the first
test that asks for it (pytest keeps a module's tests in file order).
"""

from __future__ import annotations

import pytest
from django.db import transaction


def module_data(build):
    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return fixture

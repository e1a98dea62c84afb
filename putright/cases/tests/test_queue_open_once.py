"""The queue's WHERE says "is_open" at most once, whatever the state and due filters.

Written twice, PostgreSQL multiplies its selectivity in twice: at a million cases it expected 39
overdue cases of 20,316 and sorted them all for the API's first page (78 ms) instead of reading
the index of open cases in order (0.7 ms). The cases found are the same either way."""

from __future__ import annotations

import pytest

from putright.accounts.models import User
from putright.cases.calendar import landlord_calendar
from putright.cases.views.queue import filtered_cases
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("due", ["overdue", "today", "soon", "extended"])
@pytest.mark.parametrize("state", ["", "all", State.STAGE1_ACKNOWLEDGED.value, State.CLOSED.value])
def test_is_open_is_asked_once(due, state, today):
    user = User.objects.create(username="someone", role="handler")
    cases = filtered_cases(user, {"cases": "all", "due": due, "state": state}, today, landlord_calendar())
    where = str(cases.query).split(" WHERE ", 1)[1].split(" ORDER BY ", 1)[0]
    assert where.count('"is_open"') == 1, where

"""Issue 12: worklists of promises to residents due or missed (5.9, 6.6, 7.3), with counts on the
queue page, and the late-entries link in a manager's menu."""

import datetime as dt

import pytest

from putright.cases import actions, worklists
from putright.cases.calendar import landlord_calendar
from putright.rules.lifecycle import State

from . import factories as f

pytestmark = pytest.mark.django_db

TOLD = dt.date(2026, 11, 17)  # Tue: extension agreed, updates every 3 working days: due Fri 20 Nov


def _extended(handler, every=3):
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    return actions.extend(case, actor=handler, today=TOLD, **f.extend_kwargs(update_every_working_days=every))


def test_an_agreed_update_is_due_then_missed_and_a_message_sent_resets_it(handler):
    case = _extended(handler)
    cal = landlord_calendar()
    [update] = worklists.updates_due(dt.date(2026, 11, 19), cal)  # Thu: due tomorrow
    assert (update.case, update.last_update_on, update.due_on, update.missed) == (case, TOLD, dt.date(2026, 11, 20), False)
    [update] = worklists.updates_due(f.TODAY, cal)  # Mon 23 Nov: missed
    assert update.missed and update.status.words.startswith("1 working day overdue")
    # An internal note is not an update to the resident; a message sent is.
    actions.add_correspondence(case, direction="note", occurred_on=f.TODAY, body="Chased the surveyor.", actor=handler, today=f.TODAY)
    assert worklists.updates_due(f.TODAY, cal)
    actions.add_correspondence(case, direction="out", occurred_on=f.TODAY, body="Still waiting for the survey.", method="email",
                               actor=handler, today=f.TODAY)
    assert worklists.updates_due(f.TODAY, cal) == []  # next due Thu 26 Nov, beyond 2 working days
    # Answered stages need no more updates.
    assert worklists.updates_due(dt.date(2026, 11, 26), cal)
    actions.respond(case, responded_on=f.TODAY, points=f.points(), actor=handler, today=f.TODAY)
    assert worklists.updates_due(dt.date(2026, 11, 26), cal) == []


def test_actions_and_remedies_past_their_date_are_overdue(handler, other_handler):
    case = f.complaint_at(State.STAGE1_RESPONDED, handler=handler)
    late = actions.add_action(case, description="Replace the pipe.", due_by=dt.date(2026, 11, 20), owner=handler, actor=handler)
    actions.add_action(case, description="Inspect.", due_by=dt.date(2026, 11, 30), owner=handler, actor=handler)
    remedy = actions.add_remedy(case, kind="apology", description="A written apology.", due_by=dt.date(2026, 11, 19),
                                actor=handler, today=f.TODAY)
    assert list(worklists.actions_overdue(f.TODAY)) == [late]
    assert list(worklists.remedies_overdue(f.TODAY)) == [remedy]
    assert worklists.counts(f.TODAY, landlord_calendar(), handler=other_handler) == {"updates": 0, "updates_missed": 0, "actions": 0, "remedies": 0}
    actions.complete_remedy(remedy, completed_on=f.TODAY, actor=handler, today=f.TODAY)
    assert worklists.counts(f.TODAY, landlord_calendar(), handler=handler)["remedies"] == 0


def test_the_queue_counts_link_to_the_worklists(client, handler, manager, today):
    case = _extended(handler)
    actions.add_action(case, description="Replace the pipe.", due_by=dt.date(2026, 11, 20), owner=handler, actor=handler)
    client.force_login(handler)
    queue = client.get("/cases/").content.decode()
    missed = today > dt.date(2026, 11, 20)
    assert 'id="worklist-counts"' in queue and "1 action overdue" in queue
    assert ("1 update due or missed (1 missed)" in queue) == missed
    page = client.get("/cases/worklists/?cases=mine").content.decode()
    assert case.reference in page and "Replace the pipe." in page
    assert "Late entries" not in page  # not in a handler's menu
    client.force_login(manager)
    assert 'href="/cases/late-entries/">Late entries</a>' in client.get("/cases/worklists/").content.decode()


def test_a_closure_day_moves_an_agreed_update_not_yet_due(handler):
    from putright.cases.models import ClosureDay, Stage

    case = _extended(handler)  # told Tue 17 Nov, updates every 3 working days: due Fri 20 Nov
    assert Stage.objects.get(case=case, number=1).next_update_due == dt.date(2026, 11, 20)
    ClosureDay.objects.create(day=dt.date(2026, 11, 19), label="Staff training")  # added on Wed 18 Nov
    actions.recompute_deadlines(today=dt.date(2026, 11, 18))
    assert Stage.objects.get(case=case, number=1).next_update_due == dt.date(2026, 11, 23)
    [update] = worklists.updates_due(dt.date(2026, 11, 20), landlord_calendar())
    assert update.due_on == dt.date(2026, 11, 23) and not update.missed

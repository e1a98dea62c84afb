"""The API's case list (GET /api/v1/cases): the queue's own query and reads, a cursor's page read
after its position, and each case shown as the case read shows it."""

import datetime as dt

from putright.cases.models import Case
from putright.cases.tests import factories as f
from putright.rules.lifecycle import State


def _every(api, params: dict, limit: int) -> list[str]:
    """Every case the list gives for `params`, a page of `limit` at a time by its cursors."""
    seen, cursor = [], None
    for _ in range(100):
        page = api.get("/cases", {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.content
        seen += [c["reference"] for c in page.json()["results"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursors never ended")


def _queue_order(cases) -> list[str]:
    """The queue's order: soonest next deadline first (none last), then received, then id."""
    return [c.reference for c in sorted(cases, key=lambda c: (c.next_deadline_by is None, c.next_deadline_by or dt.date.min, c.received_on, c.pk))]


def test_a_cursor_pages_every_case_of_every_state_once_in_the_queue_s_order(api_handler, handler):
    # Ties on every term: the same deadline and day received, many cases with no deadline
    # (closed, withdrawn, a service request), so pages end inside each group.
    for i in range(9):
        f.complaint_at(State.STAGE1_ACKNOWLEDGED if i % 3 else State.STAGE1_LOGGED, handler=handler, received_on=f.RECEIVED - dt.timedelta(days=i % 2))
    for i in range(5):
        f.complaint_at(State.CLOSED, handler=handler, received_on=f.RECEIVED - dt.timedelta(days=20 + i % 2))
    f.complaint_at(State.WITHDRAWN, handler=handler, received_on=f.RECEIVED - dt.timedelta(days=21))
    f.log_service_request(received_on=f.RECEIVED - dt.timedelta(days=21))
    every = list(Case.objects.all())
    for limit in (1, 2, 3, 7):
        assert _every(api_handler, {"include_closed": True}, limit) == _queue_order(every)
        assert _every(api_handler, {}, limit) == _queue_order([c for c in every if c.is_open])
        # A closed state's cases have no deadline: by date received (the query PostgreSQL is given).
        assert _every(api_handler, {"state": "closed"}, limit) == _queue_order([c for c in every if c.state == State.CLOSED])
    # Past the last case: an empty page, no cursor.
    last = api_handler.get("/cases", {"include_closed": True, "limit": len(every) - 1}).json()["next_cursor"]
    after = api_handler.get("/cases", {"include_closed": True, "cursor": last}).json()
    assert [c["reference"] for c in after["results"]] == _queue_order(every)[-1:] and after["next_cursor"] is None


def test_every_filter_pages_by_its_cursors_as_its_whole_list(api_handler, handler, other_handler):
    """Each filter's query (a theme's rows, a handler's index, a stage, a state) gives its cases
    page by page as it gives them all on one page."""
    from putright.cases.models import CaseTheme, ServiceArea, Theme

    theme, area = Theme.objects.create(name="Damp"), ServiceArea.objects.create(name="Repairs")
    for i in range(8):
        case = f.complaint_at(State.STAGE1_ACKNOWLEDGED if i % 2 else State.CLOSED, handler=handler if i % 3 else other_handler,
                              received_on=f.RECEIVED - dt.timedelta(days=i % 3))
        if i % 2 == 0 or i == 3:
            case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
        if i % 3:
            Case.objects.filter(pk=case.pk).update(service_area=area)
    f.log_service_request()
    for params in ({"theme": "Damp"}, {"theme": "Damp", "include_closed": True}, {"handler": handler.username},
                   {"handler": handler.username, "include_closed": True}, {"service_area": "Repairs"}, {"stage": 1},
                   {"kind": "complaint", "include_closed": True}, {"state": "closed", "theme": "Damp"}, {"due": "overdue"}):
        whole = [c["reference"] for c in api_handler.get("/cases", {**params, "limit": 100}).json()["results"]]
        assert _every(api_handler, params, 2) == whole, params
        assert whole or params == {"due": "overdue"}, params


def test_mine_lists_only_the_key_s_own_cases(api_handler, handler):
    """`mine`: the cases handled by the key's user (it listed everyone's until session 42)."""
    own = [f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=api_handler.key.user) for _ in range(2)]
    f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    listed = api_handler.get("/cases", {"mine": True}).json()["results"]
    assert sorted(c["reference"] for c in listed) == sorted(c.reference for c in own)
    assert len(api_handler.get("/cases").json()["results"]) == 3


def test_each_case_is_listed_as_the_case_read_shows_it(api_handler, handler, resident):
    f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler, resident=resident)
    f.log_service_request()  # no resident, no handler
    f.log_compliment(resident=resident)
    listed = api_handler.get("/cases", {"include_closed": True}).json()["results"]
    assert len(listed) == 3
    for row in listed:
        read = api_handler.get(f"/cases/{row['reference']}").json()
        assert row == {name: read[name] for name in row}, row
    assert {row["resident"]["name"] if row["resident"] else None for row in listed} == {resident.name, None}

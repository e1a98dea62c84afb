"""The events feed and the figures."""

from putright.cases.models import CaseEvent
from putright.cases.tests import factories as f
from putright.reports.queries import annual_figures, quarter_figures
from putright.rules.lifecycle import State


def test_the_feed_gives_every_event_in_order_and_resumes(api_handler, handler, settings):
    settings.PUTRIGHT_EVENTS_SETTLE_SECONDS = 0
    first = f.log_complaint(handler=handler)
    f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    page = api_handler.get("/events", {"limit": 2}).json()
    assert [e["id"] for e in page["events"]] == list(CaseEvent.objects.order_by("id").values_list("id", flat=True)[:2])
    assert page["events"][0]["case"] == first.reference and page["events"][0]["kind"] == "logged"
    rest = api_handler.get("/events", {"after": page["next_cursor"]}).json()
    ids = [e["id"] for e in page["events"] + rest["events"]]
    assert ids == list(CaseEvent.objects.order_by("id").values_list("id", flat=True))
    # Nothing new: the same cursor back, and an empty page.
    again = api_handler.get("/events", {"after": rest["next_cursor"]}).json()
    assert again == {"events": [], "next_cursor": rest["next_cursor"]}


def test_the_feed_holds_back_events_still_settling(api_handler, handler, settings):
    f.log_complaint(handler=handler)
    settings.PUTRIGHT_EVENTS_SETTLE_SECONDS = 3600  # the event is seconds old: held back
    assert api_handler.get("/events").json() == {"events": [], "next_cursor": 0}
    settings.PUTRIGHT_EVENTS_SETTLE_SECONDS = 0
    assert len(api_handler.get("/events").json()["events"]) == 1


def test_the_figures_are_the_reports_json(api_oversight, handler):
    f.complaint_at(State.STAGE1_RESPONDED, handler=handler)
    assert api_oversight.get("/reports/annual", {"year": 2026}).json() == _json(annual_figures(2026))
    assert api_oversight.get("/reports/quarter", {"year": 2026, "quarter": 3}).json() == _json(quarter_figures(2026, 3))
    assert api_oversight.get("/reports/quarter", {"year": 2026, "quarter": 5}).status_code == 422


def _json(value):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))

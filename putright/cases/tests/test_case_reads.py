"""The case page reads its case through compiled queries (cases/views/case_reads.py): they must
give exactly what the ORM's prefetching gave, and leave nothing for the page to ask again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.cases import actions
from putright.cases.models import Theme
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_queries import TODAY, _today, busy_case  # noqa: F401 (a fixture)
from putright.cases.views.case import _case_queryset
from putright.cases.views.case_reads import read_case

pytestmark = pytest.mark.django_db


def fields(obj) -> tuple:
    """A model instance as its class and every column's value."""
    return (type(obj).__name__, tuple((f.attname, getattr(obj, f.attname)) for f in obj._meta.concrete_fields))


def everything(case) -> list:
    """All the case page lists of a case, read through its relations."""
    out = [fields(case)]
    for related in (case.resident, case.representative, case.service_area, case.handler):
        out.append(fields(related) if related is not None else None)
    out += [fields(t) for t in case.themes.all()]
    out += [fields(a) for a in case.resident.adjustments.all()] if case.resident else []
    for stage in case.stages.all():
        out.append(fields(stage))
        out.append(fields(stage.handler) if stage.handler else None)
        out += [fields(e) for e in stage.extensions.all()] + [fields(p) for p in stage.points.all()]
        assert stage.case is case
    out += [fields(r) for r in case.remedies.all()]
    for action in case.actions.all():
        out += [fields(action), fields(action.owner) if action.owner else None]
        out += [fields(u) for u in action.updates.all()]
    out += [fields(r) for r in case.refusals.all()]
    return out


def test_it_reads_a_case_as_the_orms_prefetching_did(handler, other_handler, resident, other_resident):
    busy = busy_case(handler, other_handler, resident, more=3)
    themed = f.log_complaint(handler=handler, actor=handler, resident=resident,
                             themes=[Theme.objects.create(name="Damp"), Theme.objects.create(name="Attitude")])
    actions.add_remedy(busy, kind="apology", description="Sorry", due_by=TODAY, actor=handler, today=TODAY)
    request = f.log_service_request(resident=other_resident)
    refused = f.complaint_at("refused", handler=handler, resident=other_resident)
    for case in (busy, themed, request, refused):
        expected = everything(_case_queryset(linked_cases=False).get(reference=case.reference))
        read = read_case(case.reference)
        with CaptureQueriesContext(connection) as queries:
            got = everything(read)
        assert got == expected
        assert len(queries) == 0, "the page would ask again for something read_case should have kept"
    assert len([row for row in expected if row and row[0] == "Stage"]) == 1  # the refused complaint's
    assert [t.name for t in read_case(themed.reference).themes.all()] == ["Attitude", "Damp"]


def test_it_reads_nothing_for_a_reference_no_case_has(handler):
    f.log_complaint(handler=handler, actor=handler)
    assert read_case("PR-1999-999999") is None


def test_the_case_page_answers_404_for_a_reference_no_case_has(client, handler):
    client.force_login(handler)
    assert client.get("/cases/PR-1999-999999/").status_code == 404

"""The queue's rows, written out in Python (putright.cases.views.queue_table), are the HTML the
row template wrote: the template the page used to loop over is kept here, rendered with model
instances as the view used to, and compared with the page, row for row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Engine
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, ServiceArea, Stage
from putright.cases.tests import factories as f
from putright.cases.views.queue import with_columns
from putright.residents.models import Resident
from putright.rules.due import due_status
from putright.rules.lifecycle import KIND_LABELS, STATE_LABELS, Kind, State

pytestmark = pytest.mark.django_db

# The row as queue.html wrote it before the rows were written in Python.
OLD_ROW = """{% load triage %}{% for row in rows %}{% with case=row.case %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell putright-nowrap"><a class="govuk-link" href="{% url 'cases:detail' case.reference %}">{{ case.reference }}</a>{% dissatisfied_tag case %}</td>
      <td class="govuk-table__cell putright-nowrap">{{ case.received_on|date:"j M Y" }}</td>
      <td class="govuk-table__cell">{{ case.resident|default:"–" }}</td>
      <td class="govuk-table__cell">{{ row.kind|capfirst }}{% if case.service_area %}: {{ case.service_area }}{% endif %}</td>
      <td class="govuk-table__cell">{{ row.state|capfirst }}{% if case.extended %} <strong class="govuk-tag govuk-tag--blue putright-due">Extended</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ case.handler|default:"Not allocated" }}</td>
      <td class="govuk-table__cell putright-nowrap">
        {% if row.due %}<span>{{ case.next_deadline_by|date:"D j M" }}</span> <strong class="govuk-tag govuk-tag--{{ row.due.colour }} putright-due">{{ row.due_words }}</strong>{% else %}–{% endif %}
      </td>
    </tr>
    {% endwith %}{% endfor %}"""

UNHAPPY = "This is the third time I have reported the leak & nobody came. I am not happy at all <really>."


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def mark_extended(cases: list) -> list:
    """As the view marked a page's cases before `Case.extended_open` and the rows' EXISTS: whether
    each is extended, and whether a complaint was raised from an open service request that reads
    as dissatisfied, in one query (a UNION) for the page."""
    ids = [case.pk for case in cases]
    asked = [c.pk for c in cases if c.kind == Kind.SERVICE_REQUEST and c.state == State.OPEN and c.reads_as_complaint is not False]
    found: set[tuple[int, int]] = set()
    if ids:
        is_extended = ExpressionWrapper(Q(responded_on__isnull=True) & ~Q(respond_by=F("code_respond_by")), output_field=BooleanField())
        rows = Stage.objects.filter(case_id__in=ids).order_by().values_list(Value(1), "case_id", is_extended)
        if asked:
            raised = Case.objects.filter(from_service_request_id__in=asked).order_by().values_list(
                Value(2), "from_service_request_id", Value(True, output_field=BooleanField()))
            rows = rows.union(raised, all=True)
        found = {(what, pk) for what, pk, yes in rows if yes}
    for case in cases:
        case.extended = (1, case.pk) in found
        case.complaint_raised = (2, case.pk) in found
    return cases


def old_rows(cases: list[Case]) -> str:
    today, cal = f.TODAY, landlord_calendar()
    loaded = {c.pk: c for c in with_columns(Case.objects.filter(pk__in=[c.pk for c in cases]))}
    rows = []
    for case in mark_extended([loaded[c.pk] for c in cases]):
        due = due_status(today, case.next_deadline_by, cal) if case.is_open and case.next_deadline_by else None
        rows.append({"case": case, "state": STATE_LABELS[State(case.state)], "kind": KIND_LABELS[Kind(case.kind)], "due": due,
                     "due_words": due.words.split(" (was due")[0] if due else ""})
    engine = Engine.get_default()
    return engine.from_string(OLD_ROW).render(Context({"rows": rows}, autoescape=True))


def table_rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr .*?</tr>", body, re.S)]


def test_the_rows_are_the_html_the_template_wrote(client, handler):
    client.force_login(handler)
    area = ServiceArea.objects.create(name="Gas & heating <north>")
    odd = Resident.objects.create(name="Zoë O'Brien <b>&</b>", email="z@example.org")
    plain = Resident.objects.create(name="Ann Lee", email="a@example.org")
    nameless = User.objects.create_user(username="no.name", role=Role.HANDLER)
    cases = [
        f.complaint_at("stage1_acknowledged", handler=handler, resident=odd),  # overdue
        f.complaint_at("stage1_logged", handler=nameless, resident=plain),
        actions.log_case(kind="service_request", received_on=f.TODAY, description=UNHAPPY, today=f.TODAY, service_area=area),
        actions.log_case(kind="service_request", received_on=f.TODAY, description="Please fix my tap.", today=f.TODAY, handler=handler),
        f.log_compliment(resident=plain),
        f.complaint_at("closed", handler=handler, resident=plain),
    ]
    extended = f.complaint_at("stage1_acknowledged", handler=handler, received_on=dt.date(2026, 11, 2))
    cases.append(actions.extend(extended, actor=handler, today=dt.date(2026, 11, 17), **f.extend_kwargs(new_respond_by=dt.date(2026, 11, 25))))
    response = client.get("/cases/?cases=all&state=all&sort=reference")
    assert response.status_code == 200
    shown = table_rows(response.content.decode())
    by_reference = {c.reference: c for c in cases}
    order = [re.search(r'href="/cases/([^/]+)/"', row).group(1) for row in shown]
    expected = table_rows('<tbody class="govuk-table__body">' + old_rows([by_reference[r] for r in order]) + "</tbody>")
    assert len(shown) == len(cases) == len(expected)
    assert shown == expected
    page = "\n".join(shown)
    # The cases above cover every branch of a row.
    for part in ("Reads as dissatisfied", "Extended</strong>", "Not allocated", "govuk-tag--red", "no.name", "–</td>",
                 "Zoë O&#x27;Brien &lt;b&gt;&amp;&lt;/b&gt;", "Gas &amp; heating &lt;north&gt;"):
        assert part in page, part

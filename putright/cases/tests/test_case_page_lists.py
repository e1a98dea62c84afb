"""The case page's timeline and correspondence are written in Python (putright/cases/views/
case_lists.py), not by template loops: they must say exactly what the templates said, escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from putright.cases import actions
from putright.cases.actions import NewFile
from putright.cases.models import CaseEvent, Direction
from putright.cases.tests import factories as f
from putright.cases.views.case_lists import correspondence_html, timeline_html, when

pytestmark = pytest.mark.django_db

# What the case page's template wrote before (cases/detail.html), kept here to compare with.
TEMPLATE_TIMELINE = """<ol class="putright-timeline" reversed>
{% for e in events %}<li class="putright-timeline__item"><p class="govuk-body govuk-!-margin-bottom-1">{{ e.summary }}</p>
  <p class="putright-timeline__when">{{ e.at|date:"j M Y, H:i" }} · {{ e.actor|default:e.actor_label }}</p></li>
{% endfor %}</ol>"""
TEMPLATE_CORRESPONDENCE = """{% if correspondence %}<h2 class="govuk-heading-m">Correspondence</h2>
{% for c in correspondence %}<div class="govuk-!-margin-bottom-4">
  <p class="govuk-body govuk-!-margin-bottom-1"><strong>{{ c.get_direction_display }}</strong>{% if c.correspondent %} {% if c.direction == "in" %}from{% else %}to{% endif %} {{ c.correspondent }}{% endif %}, {{ c.occurred_on|date:"j M Y" }}{% if c.internal %} <strong class="govuk-tag govuk-tag--grey">Internal</strong>{% endif %}</p>
  {% if c.subject %}<p class="govuk-body govuk-!-margin-bottom-1">{{ c.subject }}</p>{% endif %}
  {% if c.body %}<p class="govuk-body-s">{{ c.body|linebreaksbr }}</p>{% endif %}
  {% for f in c.attachments.all %}<p class="govuk-body-s"><a class="govuk-link" href="{% url 'cases:attachment' case.reference f.pk %}">{{ f.name }}</a> ({{ f.size|filesizeformat }})</p>{% endfor %}
</div>
{% endfor %}{% endif %}"""


def squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


@pytest.fixture
def case(handler, resident, today):
    case = f.complaint_at("stage1_acknowledged", handler=handler, resident=resident, today=today)
    actions.add_correspondence(
        case, direction=Direction.IN, occurred_on=today, subject="Re: <b>leak</b> & damp",
        body="First line\nSecond & <third>", correspondent="O'Brien <obrien@example.org>", actor=handler, today=today,
        files=[NewFile("photo <1>.jpg", "image/jpeg", b"x" * 2048), NewFile("plan.pdf", "application/pdf", b"%PDF-1.7")],
    )
    actions.add_correspondence(case, direction=Direction.NOTE, occurred_on=today, body="Called back.", internal=True, actor=handler, today=today)
    actions.add_correspondence(case, direction=Direction.OUT, occurred_on=today - dt.timedelta(days=1), subject="Letter", body="Dear Mr Ahmed", actor=handler, today=today)
    CaseEvent.objects.create(case=case, at=timezone.now(), actor=None, actor_label="Resident portal", kind="note", summary="Said <hello> & left")
    return case


def test_the_timeline_says_what_the_template_said(case, handler):
    events = sorted(case.events.select_related("actor"), key=lambda e: (e.at, e.id), reverse=True)
    expected = Template(TEMPLATE_TIMELINE).render(Context({"events": events}))
    written = timeline_html(case)
    assert squeezed(written) == squeezed(expected)
    assert "Said &lt;hello&gt; &amp; left" in written and "Resident portal" in written and handler.display_name in written
    assert written.count("<li") == len(events) >= 6


def test_the_correspondence_says_what_the_template_said(case):
    items = sorted(case.correspondence.prefetch_related("attachments"), key=lambda c: (c.occurred_on, c.id), reverse=True)
    expected = Template(TEMPLATE_CORRESPONDENCE).render(Context({"correspondence": items, "case": case}))
    written = correspondence_html(case)
    assert squeezed(written) == squeezed(expected)
    assert "Re: &lt;b&gt;leak&lt;/b&gt; &amp; damp" in written and "First line<br>Second &amp; &lt;third&gt;" in written
    assert "photo &lt;1&gt;.jpg</a> (2.0\xa0KB)" in written and "plan.pdf" in written


def test_a_case_with_no_correspondence_shows_no_heading(handler, resident, today):
    case = f.complaint_at("stage1_acknowledged", handler=handler, resident=resident, today=today)
    assert correspondence_html(case) == ""


@pytest.mark.parametrize("at", [
    dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.timezone.utc),  # British Summer Time: the next day
    dt.datetime(2026, 1, 5, 9, 5, tzinfo=dt.timezone.utc),
    dt.datetime(2026, 10, 25, 0, 59, tzinfo=dt.timezone.utc),  # the hour the clocks go back
])
def test_times_are_the_landlords_local_time_as_the_date_filter_wrote_them(at):
    assert when(at) == Template('{{ at|date:"j M Y, H:i" }}').render(Context({"at": at}))

"""The case page's record panels (each stage, the refusal, the remedies, the outstanding
actions) are written in Python (putright/cases/views/case_panels.py), not by template loops: they
must say exactly what the template said, escaped."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.tests import factories as f
from putright.cases.tests.test_queue_queries import TODAY, _today, busy_case  # noqa: F401 (a fixture)
from putright.cases.views.case import _stage_rows
from putright.cases.views.case_panels import record_html
from putright.cases.views.case_reads import read_case
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

# What the case page's template wrote before (cases/detail.html), kept here to compare with.
TEMPLATE = """{% load wording %}    {% for row in stages %}{% with stage=row.stage %}
    <h2 class="govuk-heading-m" id="stage-{{ stage.number }}">Stage {{ stage.number }}</h2>
    <dl class="govuk-summary-list">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{% if stage.number == 1 %}Received{% else %}Asked for{% endif %}</dt><dd class="govuk-summary-list__value">{{ stage.requested_on|date:"D j M Y" }}{% if stage.escalation_reason %}<br>{{ stage.escalation_reason }}{% endif %}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Acknowledge by</dt><dd class="govuk-summary-list__value">{{ stage.acknowledge_by|date:"D j M Y" }}
        {% if stage.acknowledged_on %}<br>Acknowledged {{ stage.acknowledged_on|date:"D j M Y" }}{% if stage.acknowledged_recorded_at %} (recorded {{ stage.acknowledged_recorded_at|date:"j M Y" }}){% endif %}{% if stage.acknowledged_late or stage.acknowledgement_counts_late %} <strong class="govuk-tag govuk-tag--red">Late</strong>{% endif %}{% if stage.acknowledgement_counts_late %} <strong class="govuk-tag govuk-tag--orange">Recorded late</strong>{% endif %}{% endif %}
        {% if row.acknowledge_due %}<br><strong class="govuk-tag govuk-tag--{{ row.acknowledge_due.colour }}">{{ row.acknowledge_due.words }}</strong>{% endif %}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Respond by</dt><dd class="govuk-summary-list__value">{{ stage.respond_by|date:"D j M Y" }}{% if not stage.acknowledged_on %} (projected){% endif %}
        {% if stage.is_extended %}<br>Extended from the Code's date, {{ stage.code_respond_by|date:"D j M Y" }}{% endif %}
        {% if stage.responded_on %}<br>Responded {{ stage.responded_on|date:"D j M Y" }}{% if stage.responded_recorded_at %} (recorded {{ stage.responded_recorded_at|date:"j M Y" }}){% endif %}{% if stage.response_issued_on %}{% if stage.responded_late or stage.response_counts_late %} <strong class="govuk-tag govuk-tag--red">Late</strong>{% endif %}{% else %}<br><strong class="govuk-tag govuk-tag--yellow">Response recorded, letter not sent</strong>{% endif %}{% if stage.response_entered_late %} <strong class="govuk-tag govuk-tag--orange">Recorded late</strong>{% endif %}{% endif %}
        {% if row.respond_due %}<br><strong class="govuk-tag govuk-tag--{{ row.respond_due.colour }}">{{ row.respond_due.words }}</strong>{% endif %}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Handler</dt><dd class="govuk-summary-list__value">{{ stage.handler|default:"Not allocated" }}</dd></div>
      {% if stage.definition %}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Complaint definition (5.6)</dt><dd class="govuk-summary-list__value">{{ stage.definition|linebreaksbr }}</dd></div>
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Outcomes wanted</dt><dd class="govuk-summary-list__value">{{ stage.outcomes_sought|linebreaksbr }}</dd></div>
      {% endif %}
      {% if stage.responsible_for or stage.not_responsible_for %}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Responsibility (5.7)</dt><dd class="govuk-summary-list__value">{% if stage.responsible_for %}Ours: {{ stage.responsible_for }}{% endif %}{% if stage.not_responsible_for %}<br>Not ours: {{ stage.not_responsible_for }}{% endif %}</dd></div>
      {% endif %}
      {% for ext in stage.extensions.all %}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Extension</dt><dd class="govuk-summary-list__value">To {{ ext.new_respond_by|date:"D j M Y" }}: {{ ext.reason }}{% if ext.resident_told_on %}<br>Resident told {{ ext.resident_told_on|date:"j M Y" }}{% endif %}{% if ext.issued_on %}<br>Sent {{ ext.issued_on|date:"j M Y" }}{% if ext.ombudsman_details_given %}, with the Ombudsman's details{% endif %}{% else %}<br><strong class="govuk-tag govuk-tag--yellow">Extension recorded, letter not sent</strong>{% endif %}{% if ext.update_every_working_days %}; updates every {{ ext.update_every_working_days }} working days{% endif %}{% if ext.beyond_code_limit %}<br><strong class="govuk-tag govuk-tag--orange">Beyond the Code's limit</strong> {{ ext.good_reason|default:"(no reason recorded)" }}{% endif %}</dd></div>
      {% endfor %}
      {% if stage.decision %}
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Decision</dt><dd class="govuk-summary-list__value"><strong>{{ stage.get_decision_display|capfirst }}</strong>
        {% for p in stage.points.all %}<p class="govuk-body govuk-!-margin-top-2">{{ forloop.counter }}. {{ p.point|clause }} — <strong>{{ p.get_decision_display }}</strong>: {{ p.reasons }}</p>{% endfor %}</dd></div>
      {% endif %}
    </dl>
    {% endwith %}{% endfor %}

    {% if refusal %}
    <h2 class="govuk-heading-m">Refusal</h2>
    <p class="govuk-body">{{ refusal.get_reason_display }} ({{ refusal.refused_on|date:"j M Y" }}): {{ refusal.explanation }}{% if refusal.ombudsman_rights_given %} The resident was told of their right to go to the Ombudsman.{% endif %}{% if refusal.issued_on %} Sent {{ refusal.issued_on|date:"j M Y" }}.{% else %} <strong class="govuk-tag govuk-tag--yellow">Refusal recorded, letter not sent</strong>{% endif %}</p>
    {% endif %}

    {% if case.remedies.all %}
    <h2 class="govuk-heading-m">Remedies</h2>
    <ul class="govuk-list govuk-list--bullet">
      {% for r in case.remedies.all %}<li>{{ r.get_kind_display }}{% if r.amount %} £{{ r.amount }} ({{ r.get_payment_method_display|lower }}){% endif %}: {{ r.description }} —
        {% if r.completed_on %}done {{ r.completed_on|date:"j M Y" }}{% else %}<strong>due by {{ r.due_by|date:"j M Y" }}</strong>{% if r.due_by < today %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}{% endif %}</li>{% endfor %}
    </ul>
    {% endif %}

    {% if case.actions.all %}
    <h2 class="govuk-heading-m">Outstanding actions</h2>
    <ul class="govuk-list govuk-list--bullet">
      {% for a in case.actions.all %}<li>{{ a.description }} ({{ a.owner|default:a.owner_name }}) —
        {% if a.completed_on %}done {{ a.completed_on|date:"j M Y" }}{% else %}<strong>due by {{ a.due_by|date:"j M Y" }}</strong>{% if a.due_by < today %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}{% endif %}
        {% for u in a.updates.all %}<br><span class="govuk-body-s">Update {{ u.given_on|date:"j M Y" }}: {{ u.note }}</span>{% endfor %}</li>{% endfor %}
    </ul>
    {% endif %}

"""

# Where whitespace shows nothing (beside a line break or a block's edge) the template's
# indentation is not compared.
BLOCK = r"<br>|</?(?:dd|dt|dl|div|li|ul|p|h2)\b[^>]*>"


def squeezed(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(rf"\s*({BLOCK})\s*", r"\1", html).strip()


def both(case) -> tuple[str, str]:
    stages = _stage_rows(case, TODAY, landlord_calendar())
    old = Template(TEMPLATE).render(Context({"case": case, "stages": stages, "refusal": case.latest_refusal, "today": TODAY}))
    return squeezed(old), squeezed(record_html(case, stages, TODAY))


@pytest.mark.parametrize("state", [s.value for s in State if s is not State.OPEN])  # open: a service request (below)
def test_it_writes_each_state_of_a_complaint_as_the_template_did(state, handler, other_handler, resident):
    case = f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
    old, new = both(read_case(case.reference))
    assert new == old
    assert '<h2 class="govuk-heading-m" id="stage-1">Stage 1</h2>' in new
    assert ("Refusal" in new) is (state == "refused")


def test_it_writes_a_busy_case_as_the_template_did(handler, other_handler, resident):
    case = busy_case(handler, other_handler, resident, more=3)
    actions.add_remedy(case, kind="financial", description="For the <b>delay</b> & the stress", amount=Decimal("1250.5"),
                       payment_method="money", due_by=TODAY - dt.timedelta(days=3), actor=handler, today=TODAY)
    read = read_case(case.reference)
    old, new = both(read)
    assert new == old
    assert "Booked (2)." in new and "For the &lt;b&gt;delay&lt;/b&gt; &amp; the stress" in new and "Overdue" in new


def test_it_writes_every_mark_and_escapes_every_field_as_the_template_did(handler, other_handler, resident):
    """The rarer marks (recorded late, beyond the Code's limit, an escalation reason) set on the
    records read, and markup in every field the staff type."""
    case = busy_case(handler, other_handler, resident, more=1)
    read = read_case(case.reference)
    for stage in read.stages.all():
        stage.escalation_reason = "<script>x</script> still \"leaking\""
        stage.acknowledgement_counts_late = True
        stage.response_entered_late = True
        stage.definition = "Line one\n<i>line two</i>"
        stage.responsible_for = "A & B"
        stage.not_responsible_for = ""
        for ext in stage.extensions.all():
            ext.beyond_code_limit, ext.good_reason, ext.reason = True, "", "The <contractor>"
            ext.issued_on = TODAY
        for point in stage.points.all():
            point.point, point.reasons = "It was <late>.", "Because & so"
    for action in read.actions.all():
        action.owner, action.owner_name, action.completed_on = None, "Bob <the builder>", TODAY
    old, new = both(read)
    assert new == old
    assert "&lt;script&gt;" in new and "(no reason recorded)" in new and "Recorded late" in new and "Bob &lt;the builder&gt;" in new


def test_it_writes_nothing_for_a_service_request(resident):
    request = f.log_service_request(resident=resident)
    old, new = both(read_case(request.reference))
    assert new == old == ""

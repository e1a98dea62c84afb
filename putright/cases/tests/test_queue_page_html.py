"""The queue page writes the same HTML as before its links, headings and filter form were made
cheaper (issue 19): the links and headings as the old template loop and `QueryDict` copies wrote
them, the banners' links as `{% url %}` wrote them, and a filter form whose fields every request
shares instead of deep-copying them."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.template import engines

from putright.cases.tests import factories as f
from putright.cases.views import queue_links
from putright.cases.views.queue import QueueFilter
from putright.cases.views.queue_links import SCOPES

pytestmark = pytest.mark.django_db

# The table's headings as queue.html wrote them in a template loop over `columns`.
OLD_HEADINGS = """{% for col in columns %}{% if col.sortable %}
      <th scope="col" class="govuk-table__header putright-sortable" aria-sort="{{ col.aria }}"><a class="govuk-link govuk-link--no-visited-state" href="{{ col.href }}">{{ col.label }}<span class="govuk-visually-hidden">: sort {% if col.aria == "ascending" %}descending{% else %}ascending{% endif %}</span></a>{% if col.aria == "ascending" %} <span aria-hidden="true">▲</span>{% elif col.aria == "descending" %} <span aria-hidden="true">▼</span>{% endif %}</th>
      {% else %}<th scope="col" class="govuk-table__header">{{ col.label }}</th>{% endif %}{% endfor %}"""

# The banners' links before `{% link %}`: each a reverse() on every page.
OLD_WORKLIST = """<p class="govuk-body" id="worklist-counts"><a class="govuk-link" href="{% url 'cases:worklists' %}{% if mine %}?cases=mine{% endif %}">Promises to residents</a>:
<a class="govuk-link" href="{% url 'cases:worklists' %}{% if mine %}?cases=mine{% endif %}#updates">{{ c.updates }} update{{ c.updates|pluralize }} due or missed{% if c.updates_missed %} ({{ c.updates_missed }} missed){% endif %}</a> ·
<a class="govuk-link" href="{% url 'cases:worklists' %}{% if mine %}?cases=mine{% endif %}#actions">{{ c.actions }} action{{ c.actions|pluralize }} overdue</a> ·
<a class="govuk-link" href="{% url 'cases:worklists' %}{% if mine %}?cases=mine{% endif %}#remedies">{{ c.remedies }} remed{{ c.remedies|pluralize:"y,ies" }} overdue</a></p>
"""
OLD_REVIEWS = """{% load ombudsman_tags %}{% review_counts as rc %}{% if rc.total %}
<div class="govuk-inset-text" role="region" aria-label="Reviews and Ombudsman deadlines">
  <p class="govuk-body govuk-!-margin-bottom-1"><a class="govuk-link" href="{% url 'ombudsman:reviews' %}">Reviews and Ombudsman</a>:
  {% if rc.orders %}<a class="govuk-link" href="{% url 'ombudsman:reviews' %}#orders">{{ rc.orders }} Ombudsman order{{ rc.orders|pluralize }} overdue</a>. {% endif %}
  {% if rc.requests %}<a class="govuk-link" href="{% url 'ombudsman:reviews' %}#requests">{{ rc.requests }} information request{{ rc.requests|pluralize }} overdue</a>. {% endif %}
  {% if rc.restrictions %}<a class="govuk-link" href="{% url 'ombudsman:reviews' %}#restrictions">{{ rc.restrictions }} restriction{{ rc.restrictions|pluralize }} lapsed or due for review</a>. {% endif %}
  {% if rc.adjustments %}<a class="govuk-link" href="{% url 'ombudsman:reviews' %}#adjustments">{{ rc.adjustments }} adjustment{{ rc.adjustments|pluralize }} due for review</a>.{% endif %}</p>
</div>{% endif %}
"""
OLD_HAZARDS = """{% if total %}<p class="govuk-body" id="hazard-queue-counts"><a class="govuk-link" href="{% url 'hazards:worklist' %}">Hazards (Awaab's Law)</a>:
{% for name, label, count in counts %}<a class="govuk-link" href="{% url 'hazards:worklist' %}?show={{ name }}">{{ label|lower }}: {{ count }}</a>{% if not forloop.last %} · {% endif %}{% endfor %}</p>{% endif %}
"""

# queue.html before: the same page, its headings a template loop.
OLD_QUEUE = """{% extends "base.html" %}
{% block title %}{% if searching %}Search: {{ searching }}{% elif mine %}My cases{% else %}All cases{% endif %}{% endblock %}
{% block content %}
<div class="putright-queue__top">
  <h1 class="govuk-heading-l govuk-!-margin-bottom-3">{% if searching %}Cases matching “{{ searching }}”{% elif mine %}My cases{% else %}All cases{% endif %}</h1>
  <nav class="putright-scope" aria-label="Whose cases">
    <ul class="putright-scope__list">
      {% for s in scope_links %}<li class="putright-scope__item{% if s.current %} putright-scope__item--current{% endif %}"><a class="govuk-link govuk-link--no-visited-state" href="{{ s.href }}"{% if s.current %} aria-current="page"{% endif %}>{{ s.label }}</a></li>{% endfor %}
    </ul>
  </nav>
</div>
<ul class="putright-due-counts" id="due-counts" aria-label="{% if mine %}My open cases{% else %}Open cases{% endif %} by deadline">
  <li class="putright-due-counts__item putright-due-counts__item--overdue"><a class="govuk-link" href="{{ due_links.overdue }}"><span class="putright-due-counts__number">{{ counts.overdue }}</span> overdue</a></li>
  <li class="putright-due-counts__item putright-due-counts__item--today"><a class="govuk-link" href="{{ due_links.today }}"><span class="putright-due-counts__number">{{ counts.today }}</span> due today</a></li>
  <li class="putright-due-counts__item putright-due-counts__item--soon"><a class="govuk-link" href="{{ due_links.soon }}"><span class="putright-due-counts__number">{{ counts.soon }}</span> due within 2 working days</a></li>
</ul>
{% include "cases/_worklist_counts.html" with c=worklist %}
{% include "ombudsman/_queue_counts.html" %}
{% include "hazards/_queue.html" %}
<form method="get" novalidate aria-label="Search and filter cases" class="putright-filters" id="queue-filters">
  <input type="hidden" name="cases" value="{% if mine %}mine{% else %}all{% endif %}">
  {% if sort != "deadline" %}<input type="hidden" name="sort" value="{{ sort }}">{% endif %}
  <div class="govuk-form-group putright-filters__search">
    <label class="govuk-label govuk-label--s" for="queue-q">Search</label>
    <div class="govuk-hint" id="queue-q-hint">Reference, name, phone, email, postcode, tenancy reference or UPRN</div>
    <input class="govuk-input" id="queue-q" name="q" type="search" value="{{ searching }}" aria-describedby="queue-q-hint" autocomplete="off" spellcheck="false">
  </div>
  {% for f in filters %}
  <div class="govuk-form-group">
    <label class="govuk-label govuk-label--s" for="{{ f.id }}">{{ f.label }}</label>
    <select class="govuk-select" id="{{ f.id }}" name="{{ f.name }}">
      {{ f.options }}
    </select>
  </div>
  {% endfor %}
  <div class="govuk-button-group">
    <button class="govuk-button govuk-button--secondary" data-module="govuk-button">Apply filters</button>
    <a class="govuk-link" href="?cases={% if mine %}mine{% else %}all{% endif %}">Clear filters</a>
  </div>
</form>
<p class="govuk-body" id="total"><strong>{{ page.paginator.count }}</strong> case{{ page.paginator.count|pluralize }}{% if searching %} found, open and closed{% endif %}{% if sort == "deadline" %}, soonest deadline first{% endif %}.</p>
{% if rows %}
{# At 320px the table is wider than the screen: it scrolls inside this box, not the page (WCAG 1.4.10). #}
<div class="putright-table-scroll" role="region" aria-labelledby="queue-caption" tabindex="0">
<table class="govuk-table putright-queue">
  <caption class="govuk-table__caption govuk-visually-hidden" id="queue-caption">Cases, page {{ page.number }} of {{ page.paginator.num_pages }}</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      {% for col in columns %}{% if col.sortable %}
      <th scope="col" class="govuk-table__header putright-sortable" aria-sort="{{ col.aria }}"><a class="govuk-link govuk-link--no-visited-state" href="{{ col.href }}">{{ col.label }}<span class="govuk-visually-hidden">: sort {% if col.aria == "ascending" %}descending{% else %}ascending{% endif %}</span></a>{% if col.aria == "ascending" %} <span aria-hidden="true">▲</span>{% elif col.aria == "descending" %} <span aria-hidden="true">▼</span>{% endif %}</th>
      {% else %}<th scope="col" class="govuk-table__header">{{ col.label }}</th>{% endif %}{% endfor %}
    </tr>
  </thead>
  <tbody class="govuk-table__body">
    {{ rows }}
  </tbody>
</table>
</div>
{% if page.has_other_pages %}
<nav class="govuk-pagination" aria-label="Pages of cases">
  {% if page.has_previous %}<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="{{ previous_href }}" rel="prev"><span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span></a></div>{% endif %}
  <p class="govuk-body govuk-!-display-inline-block govuk-!-margin-left-3 govuk-!-margin-right-3">Page {{ page.number }} of {{ page.paginator.num_pages }}</p>
  {% if page.has_next %}<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="{{ next_href }}" rel="next"><span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span></a></div>{% endif %}
</nav>
{% endif %}
{% elif searching %}
<p class="govuk-body">No case or resident matches “{{ searching }}”. Check the reference or number, or search by another detail.</p>
{% else %}
<p class="govuk-body">No cases match these filters.</p>
{% endif %}
{% endblock %}
"""

QUERIES = [
    "",
    "cases=all&due=overdue",
    "cases=all&due=overdue&page=2",
    "mine=1&due=overdue",
    "cases=all&sort=-received&page=2",
    "cases=all&sort=resident",
    "cases=all&sort=-deadline",
    "sort=nonsense&bogus=1&cases=all",
    "q=Smith&cases=all",
    "q=&cases=mine&kind=complaint&stage=1",
    "cases=all&x=%C3%A9+%26a%3D1&x=2&empty=&sort=state&page=1",
]


def old_links(get: QueryDict, data: dict) -> dict:
    """The links as the view wrote them before: a copy of the request's QueryDict for each."""
    query = get.copy()
    query.pop("page", None)
    query.pop("mine", None)
    query["cases"] = data["cases"]
    scope_links = []
    for value, label in SCOPES:
        params = query.copy()
        params["cases"] = value
        scope_links.append({"value": value, "label": label, "href": "?" + params.urlencode(), "current": value == data["cases"]})
    columns = []
    for key, label in queue_links.COLUMNS:
        if key is None:
            columns.append({"label": label, "sortable": False})
            continue
        ascending, descending = data["sort"] == key, data["sort"] == f"-{key}"
        params = query.copy()
        params["sort"] = f"-{key}" if ascending else key
        columns.append({"label": label, "sortable": True, "href": "?" + params.urlencode(),
                        "aria": "ascending" if ascending else "descending" if descending else "none"})
    return {"query": query.urlencode(), "scope_links": scope_links, "columns": columns,
            "due_links": {due: f"?cases={data['cases']}&due={due}" for due in ("overdue", "today", "soon")}}


def render(text: str, context: dict) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", ["deadline", "received", "-received", "resident", "-handler"])
def test_the_links_and_headings_are_the_ones_the_querydict_copies_and_the_template_loop_wrote(query, sort):
    get = QueryDict(query)
    for scope in ("mine", "all"):
        data = {"cases": scope, "sort": sort}
        new, old = queue_links.links(get, data), old_links(get, data)
        assert new["query"] == old["query"]
        assert new["scope_links"] == old["scope_links"]
        assert new["due_links"] == old["due_links"]
        assert str(new["headings"]) == render(OLD_HEADINGS, {"columns": old["columns"]})
        assert "page=" not in new["query"] and "mine=" not in new["query"]


@pytest.fixture
def cases(handler, manager):
    # More than a page (25), some the handler's and some nobody's, so both scopes page.
    return [f.log_complaint(handler=handler if n % 2 else None, actor=manager) for n in range(27)]


def page_without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("query", QUERIES)
def test_the_page_is_the_one_the_old_template_wrote(client, handler, cases, query):
    client.force_login(handler)
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    keys = ["form", "filters", "page", "rows", "today", "mine", "counts", "worklist", "sort", "searching", "review_counts", "hazard_counts",
            "previous_href", "next_href"]
    context = {key: response.context[key] for key in keys}
    context.update(old_links(response.wsgi_request.GET, {"cases": "mine" if context["mine"] else "all", "sort": context["sort"]}))
    old_page = engines["django"].from_string(OLD_QUEUE).render(context, response.wsgi_request)
    assert page_without_token(response) == re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", old_page)


def test_the_banners_links_are_the_ones_url_wrote():
    from putright.hazards import queries
    from putright.hazards.templatetags.hazards import hazard_counts

    for mine in (True, False):
        c = {"updates": 2, "updates_missed": 1, "actions": 1, "remedies": 3}
        context = {"c": c, "mine": mine}
        assert engines["django"].get_template("cases/_worklist_counts.html").render(context) == render(OLD_WORKLIST, context)
    reviews = {"review_counts": {"total": 4, "orders": 1, "requests": 1, "restrictions": 1, "adjustments": 1}}
    assert engines["django"].get_template("ombudsman/_queue_counts.html").render(reviews) == render(OLD_REVIEWS, reviews)
    counts = {name: n for n, name in enumerate(queries.WORKLIST, start=1)}
    shown = hazard_counts({"hazard_counts": counts})
    new = engines["django"].get_template("hazards/_queue_counts.html").render(shown)
    assert new == render(OLD_HAZARDS, shown)
    assert new.count('href="/') == len(counts) + 1


def test_the_filter_forms_share_their_fields_and_leave_nothing_on_them(client, handler, cases):
    first, second = QueueFilter({"theme": "999999"}), QueueFilter({"kind": "complaint"})
    assert first.fields is not second.fields  # each form its own dict: one may add or drop a field
    assert first.fields["theme"] is second.fields["theme"]  # the fields themselves are shared
    assert not first.is_valid() and "theme" in first.errors
    assert second.is_valid() and second.errors == {}
    client.force_login(handler)
    for query in ("theme=999999", "service_area=1&handler=1&theme=1", ""):
        assert client.get(f"/cases/?{query}").status_code == 200
    for name in ("service_area", "theme", "handler"):
        # Cleaning asked a clone: the shared queryset never holds rows a later request would see.
        assert QueueFilter.base_fields[name].queryset._result_cache is None
    del first.fields["q"]
    assert "q" in QueueFilter().fields

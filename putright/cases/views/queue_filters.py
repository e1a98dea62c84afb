"""The queue's filter selects, written out in Python (putright.cases.views.queue).

The service areas, themes and handlers they offer are read fresh in one query every request (a
renamed theme or a new handler shows at once), sent with the queue's other reads
(`options_read`); the query is compiled once per process, and the options' HTML is written again
only when the rows read differ from the last ones.

The service area, theme or handler a page is filtered by is checked against the options the
process keeps (`KeptChoiceField`), not looked up in a statement of its own before the page's
reads (a round trip on PostgreSQL): the page's counts then read the options' revision, and if it
is not the one relied on, the page is made again with the choice checked by the database.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django import forms
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import RowNumber
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from putright.performance import revisions
from putright.performance.compiled import Read, together

_options: dict = {}


def _choices_sql(form) -> tuple[str, tuple]:
    """The one query (a UNION, each part numbered in its own order) that reads the service areas,
    themes and handlers the filters offer: built and compiled once per process."""
    using = form.fields["theme"].queryset.db
    kept = _options.get(("sql", using))
    if kept is not None:
        return kept
    text = CharField()
    parts = []
    for position, name in enumerate(CHOSEN):
        qs = form.fields[name].queryset
        order = qs.query.order_by or qs.model._meta.ordering
        numbered = Window(RowNumber(), order_by=[F(o[1:]).desc() if o.startswith("-") else F(o) for o in order])
        if name == "handler":
            parts.append(qs.order_by().values_list(
                Value(position), numbered, "pk", "first_name", "last_name", "username"))
        else:
            parts.append(qs.order_by().values_list(
                Value(position), numbered, "pk", "name", Value("", output_field=text), Value("", output_field=text)))
    sql, params = parts[0].union(*parts[1:], all=True).query.get_compiler(using=using).as_sql()
    _options[("sql", using)] = kept = (sql, tuple(params))
    return kept


#: The filters whose options are rows of the database.
CHOSEN = ("service_area", "theme", "handler")


def _pieces(choices) -> tuple:
    return tuple(("%s" % (value,), format_html('<option value="{}"', value), format_html(">{}</option>", label)) for value, label in choices)


def options_read(form) -> Read:
    """The query of the service areas, themes and handlers the filters offer, as one statement the
    queue sends with its other reads (performance.compiled.together): the same SQL every
    request, so prepared once per connection on PostgreSQL."""
    sql, params = _choices_sql(form)
    return Read(sql, params, form.fields["theme"].queryset.db)


def _chosen_options(form, rows=None) -> dict[str, tuple]:
    """The service areas, themes and handlers the filters offer, read fresh in one query every
    time (`rows`: `options_read`'s, read with the page's other reads); written out as options
    only when they differ from the last ones read."""
    if rows is None:
        rows = together(options_read(form))[0]
    rows = tuple(sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1])))
    kept = _options.get("chosen")
    if kept is not None and kept[0] == rows:
        return kept[1]
    chosen = {}
    for position, name in enumerate(CHOSEN):
        options = []
        for _, _, pk, first, last, username in (r for r in rows if r[0] == position):
            label = first if name != "handler" else (f"{first} {last}".strip() or username)
            options.append((pk, label))
        chosen[name] = _pieces([("", form.fields[name].empty_label), *options])
    _options["chosen"] = (rows, chosen)
    return chosen


def written_out(form, rows=None) -> list[dict]:
    """The filter form's selects, their options written out here: a template loop over every
    option of every field cost more than the rest of the page, and so did writing each option
    out again every request (the tags are kept; only "selected" is placed per request). `rows`:
    what `options_read` read, if the page has read it already."""
    chosen = _chosen_options(form, rows)
    filters = []
    for field in form:
        if field.name in ("q", "cases"):
            continue
        pieces = chosen.get(field.name) or _options.get(("fixed", field.name))
        if pieces is None:
            pieces = _options[("fixed", field.name)] = _pieces(field.field.choices)
        current = "%s" % (field.value(),)
        options = mark_safe("\n        ".join(f"{start} selected{end}" if value == current else start + end for value, start, end in pieces))
        filters.append({"id": field.auto_id, "name": field.html_name, "label": field.label, "options": options})
    return filters


#: The revisions of the kept options a request's choices were checked against (None: each choice
#: is looked up in the database, as Django's ModelChoiceField does).
_relied: ContextVar[list | None] = ContextVar("queue_choices_relied", default=None)
_database_only: ContextVar[bool] = ContextVar("queue_choices_database_only", default=False)


@contextmanager
def choices_kept():
    """Within the block, a choice is checked against the options this process keeps where it can
    be; yields the revisions of those options relied on (see `current`)."""
    relied: list = []
    token = _relied.set(None if _database_only.get() else relied)
    try:
        yield relied
    finally:
        _relied.reset(token)


@contextmanager
def choices_from_database():
    """Within the block, every choice is looked up in the database."""
    token = _database_only.set(True)
    try:
        yield
    finally:
        _database_only.reset(token)


def current(relied: list, counted: dict) -> bool:
    """Whether the kept options the choices were checked against are the ones the page's counts
    saw (their revision, read in the counts' snapshot: putright.performance.revisions)."""
    return all(token == counted.get(f"revision:{revisions.FILTER_OPTIONS}") for token in relied)


class KeptChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField of the service areas, themes or handlers the queue offers, the choice
    checked against the options kept by the process (inside `choices_kept`): the same answer as
    its queryset's `get(pk=…)` while their revision is the one kept, without the round trip. The
    object is the kept row's columns (others read if asked for); a choice not among them, text
    that is not a plain whole number, or nothing kept: looked up in the database as before."""

    def __init__(self, chosen: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen = chosen

    def to_python(self, value):
        relied = _relied.get()
        kept = None if relied is None else revisions.kept(self.queryset.db, revisions.FILTER_OPTIONS)
        text = "" if value in self.empty_values else str(value)
        if kept is None or not (text.isascii() and text.isdigit()):
            return super().to_python(value)
        position, pk = CHOSEN.index(self.chosen), int(text)
        for row in kept.value:
            if row[0] == position and row[2] == pk:
                relied.append(kept.token)
                names = ["first_name", "last_name", "username"] if self.chosen == "handler" else ["name"]
                return self.queryset.model.from_db(self.queryset.db, ["id", *names], [pk, *row[3 : 3 + len(names)]])
        return super().to_python(value)  # not among them (or made since): the database says

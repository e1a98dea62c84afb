"""The case page's `format_safe` and `format_safe_join` write what Django's `format_html` and
`format_html_join` write, for every kind of value the page gives them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from putright.cases.views.escaping import escaped, format_safe, format_safe_join

VALUES = [
    "plain", "", "<script>alert('x')</script>", 'a "quoted" & <b>bold</b>', "Rita O'Neil",
    mark_safe("<strong>already safe</strong>"), SafeString("<br>"), gettext_lazy("Internal"),
    7, 0, Decimal("12.50"), dt.date(2026, 12, 7), None, "line\nbreak", "émoji ✓ £",
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_one_value_is_written_as_format_html_writes_it(value):
    mine, django = format_safe("<p>{}</p>", value), format_html("<p>{}</p>", value)
    assert mine == django
    assert isinstance(mine, SafeString)


def test_several_values_and_a_join_are_written_as_django_writes_them():
    rows = [tuple(VALUES[i:i + 3]) for i in range(0, len(VALUES) - 2)]
    assert format_safe("{} · {} · {}", *VALUES[:3]) == format_html("{} · {} · {}", *VALUES[:3])
    assert format_safe_join("\n", "<li>{}, {} ({})</li>", rows) == format_html_join("\n", "<li>{}, {} ({})</li>", rows)
    assert format_safe_join(mark_safe("<br>"), "{}", [("a&b",)]) == format_html_join(mark_safe("<br>"), "{}", [("a&b",)])


def test_it_escapes_what_would_break_out_of_an_attribute_or_an_element():
    assert escaped('" onmouseover="x') == "&quot; onmouseover=&quot;x"
    assert escaped("<'&>") == "&lt;&#x27;&amp;&gt;"
    assert escaped(mark_safe("<i>kept</i>")) == "<i>kept</i>"

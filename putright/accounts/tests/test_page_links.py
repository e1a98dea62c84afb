"""base.html's links and files, worked out once per process (`page_links`), are exactly what
`{% url %}` and `{% static %}` give, under any prefix the site is served from."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.urls import set_script_prefix

from putright.accounts.templatetags import page_links

BASE = Path(__file__).resolve().parents[2] / "templates" / "base.html"


def _both(kind_new: str, kind_old: str, load_old: str, names: list[str]) -> tuple[str, str]:
    new = Template("{% load page_links %}" + "|".join(f"{{% {kind_new} '{n}' %}}" for n in names)).render(Context())
    old = Template((f"{{% load {load_old} %}}" if load_old else "") + "|".join(f"{{% {kind_old} '{n}' %}}" for n in names)).render(Context())
    return new, old


def test_every_link_and_file_of_base_html_is_what_url_and_static_give():
    text = BASE.read_text()
    links = sorted(set(re.findall(r"\{% link '([^']+)'", text)))
    assets = sorted(set(re.findall(r"\{% asset '([^']+)'", text)))
    assert "cases:queue" in links and "putright/putright.css" in assets
    assert "{% url " not in text and "{% static " not in text  # none left to work out on every page
    for _ in range(2):  # worked out, then kept
        new, old = _both("link", "url", "", links)
        assert new == old and "/cases/" in new
        new, old = _both("asset", "static", "static", assets)
        assert new == old and "/static/putright/putright.css" in new
    assert {key[0] for key in page_links._links} >= set(links)


def test_a_site_served_under_a_prefix_gets_its_own_links():
    try:
        set_script_prefix("/complaints/")
        new, old = _both("link", "url", "", ["cases:queue"])
        assert new == old == "/complaints/cases/"
    finally:
        set_script_prefix("/")
    assert _both("link", "url", "", ["cases:queue"]) == ("/cases/", "/cases/")

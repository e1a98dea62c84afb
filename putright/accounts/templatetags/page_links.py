"""`{% link 'name' %}` and `{% asset 'path' %}`: Django's `{% url %}` and `{% static %}` for the
links and files in every page's header, menu and footer (base.html), worked out once per process
instead of on every page (issue 19: nine reverse() calls and six static URLs a page). Only for
names without arguments; the answer depends on nothing but the name, the URL configuration and
the prefix the site is served under, which are the cache's key."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()
_links: dict[tuple, str] = {}
_assets: dict[str, str] = {}


@register.simple_tag
def link(name: str) -> str:
    key = (name, get_urlconf(), get_script_prefix())
    found = _links.get(key)
    if found is None:
        found = _links[key] = reverse(name)
    return found


@register.simple_tag
def asset(path: str) -> str:
    found = _assets.get(path)
    if found is None:
        found = _assets[path] = static(path)
    return found

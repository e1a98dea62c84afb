"""Filters for letter templates, and the Letters section of the case page."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from putright.performance.compiled import Compiled

register = template.Library()

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")


@register.filter
def longdate(value) -> str:
    """'2026-11-18' (or a date) -> 'Wednesday 18 November 2026'."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value:%A %-d %B %Y}"


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


@register.filter
def paras(text: str, easy_read: bool = False):
    """Text from the record as paragraphs. Easy read: one sentence to a line, with space between."""
    if not easy_read:
        return mark_safe(linebreaks(text or "", autoescape=True))
    lines = [s for block in (text or "").splitlines() for s in split_sentences(block)]
    return mark_safe("".join(f'<p class="sentence">{escape(s)}</p>' for s in lines))


def _case_letters(case_id: int):
    from putright.letters.models import Letter

    return Letter.objects.filter(case_id=case_id).select_related("issued_by", "created_by").order_by("-created_at", "-id")


# The case page asks this on every view: its SQL is written by the ORM once
# (putright/performance/compiled.py).
CASE_LETTERS = Compiled(_case_letters)


@register.inclusion_tag("letters/_case_letters_section.html", takes_context=True)
def case_letters(context, case):
    """The Letters section of the case page: its letters, what can be drafted, the bundle."""
    from putright.letters.drafting import applicable_kinds
    from putright.letters.models import LetterKind

    request = context.get("request")
    user = getattr(request, "user", None)
    letters = CASE_LETTERS.models(case.pk)
    drafts = {(l.kind, l.stage_number): l for l in letters if not l.is_issued}
    can_change = bool(user and getattr(user, "can_change_cases", False))
    offers = []
    if can_change:
        issued = [(l.kind, l.stage_number) for l in letters if l.is_issued]
        for kind, number in applicable_kinds(case):
            sent = issued.count((kind, number))
            if kind == LetterKind.EXTENSION:
                stage = case.stage(number)
                if sent >= len(stage.extensions.all()):
                    continue  # a letter for every extension so far
            elif sent:
                continue
            offers.append({"kind": kind, "stage": number, "label": LetterKind(kind).label, "draft": drafts.get((kind, number))})
    return {"case": case, "letters": letters, "offers": offers, "can_change": can_change, "csrf_token": context.get("csrf_token"), "request": request}

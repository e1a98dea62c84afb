"""Triage: notice a complaint in the resident's own words, whatever channel it came by (Code 1.2-1.5).

`suggest(text)` returns a `Suggestion`: kind, also_service_request, theme, confidence and why.
It suggests; staff confirm. See docs/triage.md.
"""

from putright.triage.engine import KINDS, THEMES, Suggestion, suggest

__all__ = ["KINDS", "THEMES", "Suggestion", "suggest"]

from django.shortcuts import render

from putright.portal.access import identity_of


def page(request, template: str, context: dict | None = None, status: int = 200):
    """Render a portal page; the layout needs to know whether someone is signed in."""
    return render(request, template, {"portal_identity": identity_of(request), **(context or {})}, status=status)

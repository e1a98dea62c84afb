"""Who may see and change which case: the one place these checks live.

Access is denied by default. Every staff view is wrapped in `staff_view` (sign-in required, a
role that may read cases), and fetches its case with `get_case_for_staff`. Changing needs a
casework role (`require_change`); allocating, refusing and reopening need a manager
(`require_manage`). The service functions check the role again, so no page can skip it.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from putright.cases.models import Case


def staff_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(user, "can_read_cases", False):
            raise PermissionDenied("Your account cannot see cases.")
        return view(request, *args, **kwargs)

    return wrapper


def require_change(user) -> None:
    if not getattr(user, "can_change_cases", False):
        raise PermissionDenied("Your role can read cases but not change them.")


def require_manage(user) -> None:
    if not getattr(user, "can_manage_cases", False):
        raise PermissionDenied("Only a complaints manager or administrator can do this.")


def get_case_for_staff(user, reference: str, queryset=None, *, read=None) -> Case:
    """The case, once the user may see it. `read(reference)` reads it another way (the case
    page's compiled reads) and returns None when there is no such case."""
    if not getattr(user, "can_read_cases", False):
        raise PermissionDenied("Your account cannot see cases.")
    if read is not None:
        case = read(reference)
        if case is None:
            raise Http404("No case has that reference.")
        return case
    return get_object_or_404(queryset if queryset is not None else Case.objects.all(), reference=reference)

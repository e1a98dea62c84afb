"""The resident says whether someone who complained for them acts for them.

Only the resident, signed in with the email address on their own record, sees the question;
the representative sees nothing of the case until the answer is yes (putright.residents.consent).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from putright.cases.models import Case
from putright.portal.access import get_case_for_resident, resident_view
from putright.residents import consent


def pending_representative(case: Case, identity):
    """The representative waiting for this resident's answer, if the signed-in person is the resident."""
    rep = case.representative
    if rep is None or rep.consent_verified or rep.consent_refused_on is not None:
        return None
    own = (case.resident.email or "").strip().lower() if case.resident else ""
    return rep if own and own == identity.email else None


@resident_view
def answer(request, identity, reference: str):
    case = get_case_for_resident(identity, reference)
    rep = pending_representative(case, identity)
    if rep is None or request.method != "POST":  # 404, never 405: the isolation test's rule
        raise Http404("Nothing to answer.")
    if request.POST.get("answer") == "yes":
        consent.agree_online(rep, email=identity.email, case=case)
        messages.success(request, f"Thank you. {rep.name} can now follow this complaint for you.")
    elif request.POST.get("answer") == "no":
        consent.refuse_online(rep, email=identity.email, case=case)
        messages.success(request, f"Thank you. {rep.name} will not see anything about this complaint. We will contact you about it.")
    else:
        raise Http404("Choose yes or no.")
    return redirect("portal:case", case.reference)

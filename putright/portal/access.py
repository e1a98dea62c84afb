"""Who may see which case in the resident portal: the one place these checks live.

Residents have no staff account. A person proves they hold an email address, by following a
private link emailed to it or by typing a one-time code emailed to it, and the session then
carries that address (a `PortalIdentity`). They see the cases whose resident, or whose
representative, has that address, and nothing else: every portal view that takes a reference
fetches the case with `get_case_for_resident`, which answers 404 for anything not theirs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from putright.cases.models import Case
from putright.portal.models import AccessToken, SignInCode

SESSION_KEY = "portal_identity"
#: How long a private link works (security finding, Low: it was 90 days).
TOKEN_DAYS = 7
#: A one-time code: its length, life and the tries allowed.
CODE_DIGITS = 6
CODE_MINUTES = 10  # ASVS 2.7.2 (it was 15)
CODE_ATTEMPTS = 5
#: Codes one address may be sent in an hour (stops the form being used to flood a mailbox).
CODES_PER_HOUR = 5
#: How long a portal sign-in lasts in the browser.
SESSION_HOURS = 2


@dataclass(frozen=True)
class PortalIdentity:
    """A verified email address: the resident's or their representative's."""

    email: str
    how: str  # "link" or "code"

    def __post_init__(self):
        # An empty address would match every resident without one: refuse it outright.
        if not self.email or "@" not in self.email:
            raise ValueError("A portal identity needs an email address.")

    @property
    def cases_filter(self) -> Q:
        # A representative sees a case only once the resident's agreement is verified
        # (putright.residents.consent); before that, only `awaiting_consent` lists it.
        verified_rep = Q(
            representative__email__iexact=self.email,
            representative__consent_verified_on__isnull=False,
            representative__consent_refused_on__isnull=True,
        )
        return Q(resident__email__iexact=self.email) | verified_rep


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# --- the session ------------------------------------------------------------------------------


def sign_in(request, email: str, how: str) -> PortalIdentity:
    identity = PortalIdentity(normalise_email(email), how)
    request.session.cycle_key()  # a new session id on sign-in (session fixation)
    request.session[SESSION_KEY] = {
        "email": identity.email,
        "how": how,
        "until": (timezone.now() + dt.timedelta(hours=SESSION_HOURS)).isoformat(),
    }
    return identity


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)


def identity_of(request) -> PortalIdentity | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        if dt.datetime.fromisoformat(data["until"]) < timezone.now():
            sign_out(request)
            return None
        return PortalIdentity(data["email"], data.get("how", ""))
    except (KeyError, ValueError, TypeError):
        sign_out(request)
        return None


def resident_view(view):
    """Signed in to the portal, or sent to the sign-in page. Passes the identity to the view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        identity = identity_of(request)
        if identity is None:
            return redirect("portal:sign-in")
        return view(request, identity, *args, **kwargs)

    return wrapper


# --- cases ------------------------------------------------------------------------------------


def cases_for_resident(identity: PortalIdentity) -> QuerySet[Case]:
    return Case.objects.filter(identity.cases_filter).select_related("resident", "representative")


def awaiting_consent(identity: PortalIdentity) -> QuerySet[Case]:
    """Cases this person made for someone whose agreement is not verified: only their reference is shown."""
    return Case.objects.filter(representative__email__iexact=identity.email).exclude(identity.cases_filter)


def get_case_for_resident(identity: PortalIdentity | None, reference: str, queryset: QuerySet[Case] | None = None) -> Case:
    """The case with this reference if it is the identity's; 404 otherwise (never 403, which
    would tell a guesser that the reference exists)."""
    if identity is None:
        raise Http404("No such case.")
    base = queryset if queryset is not None else Case.objects.all()
    case = base.filter(identity.cases_filter, reference=reference).first()
    if case is None:
        raise Http404("No such case.")
    return case


def has_cases(email: str) -> bool:
    email = normalise_email(email)
    if not email:
        return False
    identity = PortalIdentity(email, "")
    return Case.objects.filter(identity.cases_filter).exists() or awaiting_consent(identity).exists()


# --- private links ----------------------------------------------------------------------------


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def mint_token(email: str, *, now: dt.datetime | None = None) -> tuple[str, AccessToken]:
    """A new private link token for `email`: (the token, its stored record). The token is
    returned once and never stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    record = AccessToken.objects.create(
        email=normalise_email(email), token_hash=_sha256(token), expires_at=now + dt.timedelta(days=TOKEN_DAYS)
    )
    return token, record


def check_token(token: str, *, now: dt.datetime | None = None, use: bool = True) -> AccessToken | None:
    """The live record for a token, or None if it is unknown, expired or revoked. `use`: record
    that it was used (signing in), not merely looked at (the confirm page)."""
    now = now or timezone.now()
    if not token or len(token) > 200:
        return None
    record = AccessToken.objects.filter(token_hash=_sha256(token), revoked_at__isnull=True, expires_at__gt=now).first()
    if record is not None and use:
        AccessToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


def revoke_tokens(email: str) -> int:
    return AccessToken.objects.filter(email=normalise_email(email), revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- one-time codes ---------------------------------------------------------------------------


def _code_hash(email: str, code: str) -> str:
    # Keyed with SECRET_KEY and bound to the address: a leaked table cannot be reversed by
    # hashing the million possible codes, and a code only works for the address it was sent to.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{normalise_email(email)}:{code}".encode(), hashlib.sha256).hexdigest()


def codes_sent_recently(email: str, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return SignInCode.objects.filter(email=normalise_email(email), created_at__gt=now - dt.timedelta(hours=1)).count()


def new_code(email: str, *, now: dt.datetime | None = None) -> str:
    """Issue a code for `email` (any earlier unused code stops working) and return it."""
    now = now or timezone.now()
    email = normalise_email(email)
    SignInCode.objects.filter(email=email, used_at__isnull=True).update(expires_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    SignInCode.objects.create(
        email=email, code_hash=_code_hash(email, code), expires_at=now + dt.timedelta(minutes=CODE_MINUTES)
    )
    return code


class CodeRefused(Exception):
    pass


def check_code(email: str, code: str, *, now: dt.datetime | None = None) -> None:
    """Accept the code for `email` or raise CodeRefused saying why, in words for the resident."""
    now = now or timezone.now()
    email = normalise_email(email)
    record = SignInCode.objects.filter(email=email, used_at__isnull=True).order_by("-created_at", "-id").first()
    if record is None or record.expires_at <= now:
        raise CodeRefused("The code has expired. Ask for a new code.")
    # Count the try first, with a conditional update, so parallel guesses cannot exceed the limit.
    counted = SignInCode.objects.filter(pk=record.pk, attempts__lt=CODE_ATTEMPTS).update(attempts=F("attempts") + 1)
    if not counted:
        raise CodeRefused("You have entered the wrong code too many times. Ask for a new code.")
    code = "".join((code or "").split())
    if not hmac.compare_digest(record.code_hash, _code_hash(email, code)):
        if record.attempts + 1 >= CODE_ATTEMPTS:
            raise CodeRefused("You have entered the wrong code too many times. Ask for a new code.")
        raise CodeRefused("The code is not right. Check the email and enter the 6 numbers again.")
    if not SignInCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=now):
        raise CodeRefused("The code has already been used. Ask for a new code.")

"""The API under /api/v1/: one NinjaAPI, key authentication, one error shape.

Every endpoint needs a key (`Authorization: Bearer prk_...`). A request with a key is recorded
(`ApiKeyUse`) before anything else happens, limited to PUTRIGHT_API_RATE_LIMIT a minute, and acts
as the key's own user, so the service functions check its role as they check a person's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from putright.api import keys
from putright.rules.errors import RuleViolation


class RateLimited(Exception):
    pass


class KeyAuth(HttpBearer):
    openapi_description = "An API key made with `putright api-key create --name NAME --role ROLE`."

    def authenticate(self, request, token):
        now = timezone.now()
        key = keys.find_key(token, now)
        if key is None:
            return None
        request._api_use = keys.record_use(key, method=request.method, path=request.get_full_path(), now=now)
        if keys.over_limit(key):
            raise RateLimited()
        request.user = key.user
        return key


api = NinjaAPI(
    title="PutRight API",
    version="1",
    description=(
        "Cases, residents, the events feed and the published figures of a PutRight landlord. "
        "Every change goes through the same rules as the staff pages: a step the Complaint "
        "Handling Code does not allow answers 422 with the message, the field and the Code's provision."
    ),
    auth=KeyAuth(),
    urls_namespace="api",
    openapi_url="/schema",
    docs_url="/docs",
)


def _errors(request, status: int, message: str, *, field=None, provision=None, headers=None):
    response = api.create_response(request, {"errors": [{"field": field, "message": message, "provision": provision}]}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(RuleViolation)
def rule_violation(request, exc: RuleViolation):
    return _errors(request, 422, exc.message, field=exc.field, provision=exc.provision)


@api.exception_handler(ValidationError)
def invalid_request(request, exc: ValidationError):
    items = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        items.append({"field": ".".join(loc) or None, "message": error.get("msg", "Invalid value."), "provision": None})
    return api.create_response(request, {"errors": items}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Django Ninja's own refusals (a body that is not JSON answers 400) in our error shape."""
    message = "The request body is not JSON: send a JSON object with Content-Type: application/json." if exc.status_code == 400 else str(exc)
    return _errors(request, exc.status_code, message)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _errors(request, 403, str(exc) or "Your key's role cannot do this.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _errors(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return _errors(request, 401, "Give a valid API key: Authorization: Bearer prk_...", headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    return _errors(
        request, 429, f"This key made more than {keys.rate_limit()} requests in the last minute: wait and try again.",
        headers={"Retry-After": "60"},
    )


# Every endpoint can answer these, besides its own success.
ERRORS = {400: "Errors", 401: "Errors", 403: "Errors", 404: "Errors", 422: "Errors", 429: "Errors"}


def responses(ok: dict) -> dict:
    from putright.api.schemas import Errors

    return {**ok, **{code: Errors for code in ERRORS}}


from putright.api import cases, feed, residents  # noqa: E402  (routers register on `api`)

api.add_router("/cases", cases.router)
api.add_router("", feed.router)
api.add_router("", residents.router)

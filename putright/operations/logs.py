"""Logs: one JSON object a line on standard error, for journald, Docker or any log shipper.

Each request gets an id (the proxy's X-Request-ID if it sent a sane one, else a new one), sent
back in the X-Request-ID header and put on every line logged while the request runs. A request's
line holds its method, path, status and duration. Never in a log: query strings, private-link
tokens (replaced by "[redacted]" in paths) or email addresses (replaced by "[email]").
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.urls import Resolver404, resolve
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

log = logging.getLogger("putright.requests")

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: URL parts that are secrets (the residents' private links).
SECRET_URL_KWARGS = {"token", "code", "key", "secret"}


def safe_path(request) -> str:
    """The request's path without its query string and with any secret URL part redacted."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return scrub(path)
    for name, value in match.kwargs.items():
        if name in SECRET_URL_KWARGS and value:
            path = path.replace(str(value), "[redacted]")
    return scrub(path)


def scrub(text: str) -> str:
    return EMAIL.sub("[email]", text)


class ContextFilter(logging.Filter):
    """Adds the request id; takes Django's request object off the record (its repr has the
    query string) and keeps only what is safe from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        request = record.__dict__.pop("request", None)
        if request is not None and hasattr(request, "path"):
            safe = safe_path(request)
            if isinstance(record.args, tuple):
                record.args = tuple(safe if a == request.path else a for a in record.args)
            record.method = getattr(request, "method", None)
            record.path = safe
        return True


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("reserved_attrs", [*_RESERVED, "server_time", "status_code"])
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if "exc_info" in log_data:
            log_data["traceback"] = log_data.pop("exc_info")
        for key in [k for k, v in log_data.items() if v is None]:
            del log_data[key]
        for key in ("message", "traceback"):
            if isinstance(log_data.get(key), str):
                log_data[key] = scrub(log_data[key])



_RESERVED = [
    "args", "asctime", "created", "exc_info", "exc_text", "filename", "funcName", "levelno", "lineno", "module",
    "msecs", "msg", "pathname", "process", "processName", "relativeCreated", "stack_info", "thread",
    "threadName", "taskName",
]


class RequestLogMiddleware:
    """Gives each request an id and writes one line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            path = safe_path(request)
            log.info(
                "%s %s %s", request.method, path, response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)

"""The second-factor check of each request, answered from memory for a few seconds (issue 19).

Every signed-in request asks two things of the second factor: does this member of staff have an
authenticator app (then they must use it), and is the device that verified this session still
theirs and confirmed. Each was a query on every page. Each web worker now keeps the answers for
PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS (30 unless set), by user and verifying device, and asks the
database again after that:

- a device removed or unconfirmed (a lost phone, reset by an administrator) stops verifying the
  sessions it verified within those seconds, on every worker; in the worker that removed it, at
  once (the signals below);
- an authenticator app set up in another browser is required of this user's other sessions
  within those seconds;
- signing in with a code, setting up an app or a new recovery code change the session's device,
  which is asked about afresh;
- the user is still read on every request: an account switched off, a new role or a changed
  password (which ends the user's other sessions) take effect on the very next request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

#: At most this many (user, device) answers a worker; the oldest are dropped first.
LIMIT = 2000


@dataclass(frozen=True)
class Check:
    at: float
    authenticator: bool  # the user has a confirmed authenticator app
    device_ok: bool  # the session's verifying device is the user's and confirmed (False when none)


_kept: dict[tuple[int, str | None], Check] = {}


def check(user, persistent_id: str | None) -> Check:
    """The user's second-factor state, from memory if asked within the recheck seconds."""
    key = (user.pk, persistent_id or None)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and 0 <= now - kept.at < settings.PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS:
        return kept
    found = Check(now, TOTPDevice.objects.filter(user=user, confirmed=True).exists(), _device_ok(user, persistent_id))
    if settings.PUTRIGHT_SECOND_FACTOR_RECHECK_SECONDS > 0:
        if len(_kept) >= LIMIT:
            for old in sorted(_kept, key=lambda k: _kept[k].at)[: LIMIT // 2]:
                _kept.pop(old, None)
        _kept[key] = found
    return found


def _device_ok(user, persistent_id: str | None) -> bool:
    """As django_otp's middleware: the device exists, is the user's and is confirmed."""
    if not persistent_id:
        return False
    device = Device.from_persistent_id(OTPMiddleware._normalize_persistent_id(persistent_id))
    return device is not None and device.user_id == user.pk and device.confirmed


def forget(user_id=None) -> None:
    """Drop what this worker kept: for one user, or for everyone."""
    if user_id is None:
        _kept.clear()
        return
    for key in [k for k in _kept if k[0] == user_id]:
        _kept.pop(key, None)


def _device_changed(sender, instance, **kwargs) -> None:
    forget(instance.user_id)


def connect() -> None:
    """Called from the app's ready(): a device saved or removed in this worker counts at once."""
    for model in (TOTPDevice, StaticDevice):
        post_save.connect(_device_changed, sender=model, dispatch_uid=f"putright-2fa-kept-save-{model.__name__}")
        post_delete.connect(_device_changed, sender=model, dispatch_uid=f"putright-2fa-kept-delete-{model.__name__}")

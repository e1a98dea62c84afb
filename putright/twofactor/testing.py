"""Test helpers: a member of staff signed in with both factors, through a real device.

`Client.force_login` (Django's "signed in" shortcut for tests) is extended to mean signed in
fully: for a user who needs a second factor it also gives them a confirmed authenticator device
and records in the session that it verified them, exactly what the verify page does. Tests of
the second factor itself sign in through the pages instead (putright/twofactor/tests/).
"""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.twofactor import policy


def device_for(user) -> TOTPDevice:
    device = policy.authenticator(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def current_code(user) -> str:
    """The code the user's authenticator app shows now (their device made if they have none).
    The device's memory of the last code used and of wrong codes is cleared (as if time passed),
    so a test may sign in twice."""
    device = device_for(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def current_code_unconfirmed(user) -> str:
    """The code an app shows for the device being set up (not yet confirmed)."""
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)  # as if a minute passed
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


_plain_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    _plain_force_login(self, user, backend)
    if policy.required_for(user):
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
        session.save()


def install() -> None:
    Client.force_login = _force_login_with_second_factor

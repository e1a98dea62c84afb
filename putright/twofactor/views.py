"""Setting up an authenticator app, entering its code (or a recovery code), and recovery codes."""

from __future__ import annotations

import django_otp
import segno
from base64 import b32encode
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.twofactor import policy

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=16, error_messages={"required": "Enter the code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}),
    )

    def cleaned_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/cases/"


def _signed_in(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones, each usable once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@_signed_in
def set_up(request):
    user = request.user
    if policy.has_authenticator(user):
        return redirect("twofactor:recovery-codes" if policy.satisfied(request) else "twofactor:verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", "You have entered too many wrong codes. Wait a minute, then try again.")
        elif device.verify_token(form.cleaned_code()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            return render(request, "twofactor/recovery_codes.html", {
                "codes": new_recovery_codes(user), "next": _next(request), "new": True,
            })
        else:
            form.add_error("code", "The code is not right. Enter the 6 numbers the app shows now.")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b0c0c", title="QR code for your authenticator app")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "twofactor/set_up.html", {
        "form": form, "qr": mark_safe(qr), "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
    })


@_signed_in
def verify(request):
    user = request.user
    device = policy.authenticator(user)
    if device is None:
        return redirect("twofactor:set-up")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_code()
        recovery = policy.recovery_device(user)
        allowed, _ = device.verify_is_allowed()
        matched = None
        if not allowed:
            form.add_error("code", "You have entered too many wrong codes. Wait a minute, then try again.")
        elif code.isdigit():
            matched = django_otp.verify_token(user, device.persistent_id, code)
        elif recovery is not None:
            matched = django_otp.verify_token(user, recovery.persistent_id, code)
        if matched is not None:
            request.session.cycle_key()
            django_otp.login(request, matched)
            return redirect(_next(request))
        if allowed:
            if not code.isdigit():
                device.throttle_increment()  # a wrong recovery code counts against the app's limit too
            form.add_error("code", "The code is not right. Enter the 6 numbers the app shows now, or one of your recovery codes.")
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)})


@_signed_in
def recovery_codes(request):
    user = request.user
    if not policy.has_authenticator(user):
        return redirect("twofactor:set-up")
    if request.method == "POST":
        return render(request, "twofactor/recovery_codes.html", {"codes": new_recovery_codes(user), "next": "/cases/", "new": False})
    device = policy.recovery_device(user)
    left = device.token_set.count() if device else 0
    return render(request, "twofactor/recovery_left.html", {"left": left})

"""The portal's question pages and actions, one form each, with GOV.UK error messages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from putright.protect import uploads
from putright.cases.forms.base import DateField, DateWidget, PhoneField, specific_required_messages
from putright.portal.models import Satisfaction
from putright.residents.models import ContactChannel, Format

MAX_FILES = 10
# What the resident sees: the allowed types in words, not MIME types.
ALLOWED_TYPES_WORDS = "PDF, JPG, PNG, HEIC, Word, text, email, MP3 or MP4"


def _text(label: str, *, required=True, autocomplete: str = "", max_length=200, help_text="", input_type="text", width="", **kw):
    attrs = {"type": input_type}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if width:
        attrs["width"] = width
    field_class = forms.EmailField if input_type == "email" else forms.CharField
    return field_class(label=label, required=required, max_length=max_length, help_text=help_text, widget=forms.TextInput(attrs=attrs), **kw)


def _area(label: str, *, required=True, help_text="", rows=6, max_length=10_000, autocomplete=""):
    attrs = {"rows": rows}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=max_length, widget=forms.Textarea(attrs=attrs))


class PortalForm(forms.Form):
    """Specific required messages, and the red border on date boxes with an error."""

    def full_clean(self):
        specific_required_messages(self)
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, DateWidget):
                field.widget.attrs["error"] = True

    def answers(self) -> dict:
        """What to keep in the session: JSON-safe values."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.cleaned_data.items()}

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = {}
        for name, field in cls.base_fields.items():
            if name in answers:
                value = answers[name]
                if isinstance(field, DateField) and value:
                    value = dt.date.fromisoformat(value)
                initial[name] = value
        return initial


# --- the complaint journey: one question a page -----------------------------------------------


class WhatHappenedForm(PortalForm):
    what_happened = _area(
        "What has gone wrong?",
        help_text="Tell us in your own words what happened and how it has affected you. You do not need to use the word complaint.",
        rows=8,
    )
    what_happened.required_message = "Tell us what has gone wrong"


class PutRightForm(PortalForm):
    put_right = _area(
        "What would you like us to do to put things right?",
        required=False,
        help_text="For example, fix a repair, apologise, or explain a decision. If you are not sure, leave this empty.",
    )


class WhenForm(PortalForm):
    when = DateField(label="When did it happen?", required=False, help_text="If it is still happening, tell us when it started. For example, 27 3 2026.")
    when.error_name = "the date it happened"
    not_sure = forms.BooleanField(label="I'm not sure when it happened", required=False)

    def clean(self):
        data = super().clean()
        when, not_sure = data.get("when"), data.get("not_sure")
        if "when" in self.errors:
            return data
        if when and not_sure:
            self.add_error("when", "Enter the date it happened, or select I'm not sure, not both")
        elif not when and not not_sure:
            self.add_error("when", "Enter the date it happened, or select I'm not sure")
        elif when and when > timezone.localdate():
            self.add_error("when", "The date it happened must be today or in the past")
        return data


class SomeoneElseForm(PortalForm):
    for_someone_else = forms.ChoiceField(
        label="Are you complaining for someone else?",
        choices=[("no", "No, I am complaining for myself"), ("yes", "Yes, I am complaining for someone else")],
        widget=forms.RadioSelect,
        help_text="For example, for a relative, a friend or someone you support as an advocate or councillor.",
    )
    for_someone_else.required_message = "Select whether you are complaining for someone else"


class TheirDetailsForm(PortalForm):
    resident_name = _text("Their full name", autocomplete="off")
    relationship = _text("Your relationship to them", help_text="For example, daughter, friend, advocate or MP.", max_length=100)
    resident_address = _area("Their address", required=False, rows=3, max_length=500, help_text="Include the postcode if you know it.")
    resident_email = _text("Their email address (optional)", required=False, input_type="email", autocomplete="off")
    consent = forms.BooleanField(label="They have agreed that I can complain for them", required=True)
    consent.required_message = "Confirm that they have agreed that you can complain for them"


class YourDetailsForm(PortalForm):
    name = _text("Full name", autocomplete="name")
    email = _text("Email address", required=False, input_type="email", autocomplete="email", help_text="We will email you a private link to follow your complaint.", max_length=254)
    phone = PhoneField(label="Phone number", required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "width": "20"}))
    address = _area("Address", required=False, rows=3, max_length=500, autocomplete="street-address")
    postcode = _text("Postcode", required=False, autocomplete="postal-code", max_length=12, width="10")

    name.required_message = "Enter your full name"

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            self.add_error("email", "Enter an email address or a phone number, so we can contact you")
        if data.get("postcode"):
            data["postcode"] = " ".join(data["postcode"].upper().split())
        return data


class ContactForm(PortalForm):
    preferred_channel = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=[(c.value, c.label) for c in (ContactChannel.EMAIL, ContactChannel.PHONE, ContactChannel.TEXT, ContactChannel.LETTER)],
        widget=forms.RadioSelect,
    )
    preferred_channel.required_message = "Select how you would like us to contact you"

    def __init__(self, *args, details: dict | None = None, **kwargs):
        self.details = details or {}
        super().__init__(*args, **kwargs)

    def clean_preferred_channel(self):
        channel = self.cleaned_data["preferred_channel"]
        d = self.details
        if channel == ContactChannel.EMAIL and not d.get("email"):
            raise forms.ValidationError("You have not given an email address. Choose another way, or go back and add one")
        if channel in (ContactChannel.PHONE, ContactChannel.TEXT) and not d.get("phone"):
            raise forms.ValidationError("You have not given a phone number. Choose another way, or go back and add one")
        if channel == ContactChannel.LETTER and not (d.get("address") or d.get("postcode")):
            raise forms.ValidationError("You have not given an address. Choose another way, or go back and add one")
        return channel


class SupportForm(PortalForm):
    preferred_format = forms.ChoiceField(
        label="Do you need our letters in a different format?",
        choices=Format.choices,
        widget=forms.RadioSelect,
        initial=Format.STANDARD,
    )
    support = _area(
        "Tell us about any support you need (optional)",
        required=False,
        rows=4,
        max_length=2000,
        help_text="For example, a language or interpreter, someone to come to meetings with you, calls only in the afternoon, or information about a disability or health condition we should know about.",
    )
    preferred_format.required_message = "Select the format you need"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once, each checked against the types and size PutRight accepts."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.already = 0

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        return check_files(files, already=self.already)


def _files_help() -> str:
    limit = settings.PUTRIGHT_MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return f"You can choose several files. Each must be a {ALLOWED_TYPES_WORDS} file, and smaller than {limit}MB."


class AttachmentsForm(PortalForm):
    files = MultipleFileField(label="Upload photos or documents (optional)")

    def __init__(self, *args, already: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()
        self.fields["files"].already = already


def check_files(files, *, already: int = 0) -> list:
    """The uploaded files, each with a content type we accept; or a GOV.UK error message."""
    limit = settings.PUTRIGHT_MAX_ATTACHMENT_BYTES
    if len(files) + already > MAX_FILES:
        raise forms.ValidationError(f"You can send up to {MAX_FILES} files")
    for f in files:
        # The browser's claimed type is not trusted: the content decides, below.
        if f.size > limit:
            raise forms.ValidationError(f"{f.name} must be smaller than {limit // (1024 * 1024)}MB")
        if f.size == 0:
            raise forms.ValidationError(f"{f.name} is empty")
        try:  # by content, not by what the browser claims; renamed safely (putright/protect/uploads.py)
            f.name, f.checked_type = uploads.check(f)
        except uploads.Refused:
            raise forms.ValidationError(f"{f.name} must be a {ALLOWED_TYPES_WORDS} file")
    return files


# --- signing in -------------------------------------------------------------------------------


class EmailForm(PortalForm):
    email = _text("Email address", input_type="email", autocomplete="email", max_length=254, help_text="The email address you gave us when you complained.")
    email.required_message = "Enter your email address"


class CodeForm(PortalForm):
    code = _text("Code", max_length=20, autocomplete="one-time-code", width="10", help_text="The 6 numbers in the email we sent you.")
    code.required_message = "Enter the code from the email"

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code must be 6 numbers")
        return code


# --- acting on a case -------------------------------------------------------------------------


class AddInformationForm(PortalForm):
    message = _area("What would you like to tell us?", required=False, rows=6)
    files = MultipleFileField(label="Add photos or documents (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("message") or "").strip() and not data.get("files"):
            self.add_error("message", "Enter what you would like to tell us, or add a file")
        return data


class StageTwoForm(PortalForm):
    reason = _area(
        "Why are you still unhappy? (optional)",
        required=False,
        help_text="You do not have to give a reason. If you do, it helps us understand what to look at again.",
    )


class NotReceivedForm(PortalForm):
    message = _area("Anything else you want to tell us (optional)", required=False, rows=4)


class SurveyForm(PortalForm):
    rating = forms.TypedChoiceField(
        label="Overall, how satisfied are you with how we handled your complaint?",
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = _area("Tell us more (optional)", required=False, rows=4, max_length=5000)
    rating.required_message = "Select how satisfied you are"

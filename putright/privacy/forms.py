"""One form per step of a data protection request."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm, DateField

from . import requests
from .models import RequestKind


class RequestForm(ActionForm):
    title = "Record a data protection request"
    submit = "Record the request"
    guidance = [
        "Answer within one month of receipt (UK GDPR article 12(3)); a complex request can be extended by two further months, telling the resident why within the first month.",
        "A request can be made in any way: by phone, in a letter, in a complaint. It need not mention the law.",
    ]
    kind = forms.ChoiceField(label="What did the resident ask for?", choices=RequestKind.choices, widget=forms.RadioSelect)
    received_on = DateField(label="Date received")
    details = forms.CharField(label="Details", required=False, help_text="For a correction: which details are wrong.", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, resident=None, **kwargs):
        self.resident = resident
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def perform(self):
        return requests.record_request(self.resident, actor=self.user, **self.cleaned_data)


class ExtendForm(ActionForm):
    title = "Extend by two months"
    submit = "Extend"
    guidance = ["Only for a complex request or several requests from the resident. Tell the resident within the first month, with the reason."]
    reason = forms.CharField(label="Why it is complex, as told to the resident", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, request_obj=None, **kwargs):
        self.request_obj = request_obj
        super().__init__(*args, **kwargs)

    def perform(self):
        return requests.extend_request(self.request_obj, actor=self.user, **self.cleaned_data)


class RefuseForm(ExtendForm):
    title = "Refuse the request"
    submit = "Refuse"
    guidance = ["Tell the resident the reason, and that they can complain to the Information Commissioner's Office or go to court."]
    reason = forms.CharField(label="The reason, as told to the resident", widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return requests.refuse(self.request_obj, actor=self.user, **self.cleaned_data)


class CompleteAccessForm(ExtendForm):
    title = "Record the bundle as sent"
    submit = "Record as sent"
    guidance = ["Download the bundle from the resident's request page, check it, and send it securely."]
    reason = None
    note = forms.CharField(label="How it was sent", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self):
        return requests.complete_access(self.request_obj, actor=self.user, **self.cleaned_data)


class RectifyForm(ExtendForm):
    title = "Correct the resident's details"
    submit = "Save the corrected details"
    guidance = ["Letters and messages already sent stay as they were sent: they are the record of what was said (Code 5.12)."]
    reason = None
    name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(label="Postcode", required=False, max_length=12)
    tenancy_reference = forms.CharField(label="Tenancy reference", required=False, max_length=40)

    def __init__(self, *args, request_obj=None, **kwargs):
        super().__init__(*args, request_obj=request_obj, **kwargs)
        for name in ("name", "email", "phone", "address", "postcode", "tenancy_reference"):
            self.fields[name].initial = getattr(request_obj.resident, name)

    def perform(self):
        return requests.rectify(self.request_obj, actor=self.user, changes=self.cleaned_data)


class EraseForm(ExtendForm):
    title = "Carry out the erasure"
    submit = "Anonymise every case and the record"
    guidance = [
        "Every case about the resident and their record are anonymised: names, contact details, free text, files and letters removed. The figures stay.",
        "This cannot be undone. Refuse instead if a record must be kept (for example a possible legal claim, article 17(3)(e)).",
    ]
    reason = None
    confirm = forms.BooleanField(label="I have checked that nothing needs to be kept")
    confirm.required_message = "Confirm that nothing needs to be kept"

    def perform(self):
        return requests.erase(self.request_obj, actor=self.user)

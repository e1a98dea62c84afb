"""Logging a complaint, service request or compliment received by any channel (Code 1.2–1.5, 3.1–3.2)."""

from django import forms
from django.db import transaction
from django.forms.utils import ErrorDict
from django.utils import timezone

from putright.accounts.models import CASEWORK_ROLES, User
from putright.cases import actions
from putright.cases.forms.base import ActionForm, DateField, PhoneField
from putright.cases.models import Channel, ServiceArea, Theme
from putright.residents.models import ConsentHow, ContactChannel, Representative, Resident, Tenure
from putright.rules.lifecycle import Kind
from putright.triage.staff import suggest_for_log


class LogCaseForm(ActionForm):
    title = "Log a case"
    submit = "Log it"
    # What they said comes first, so triage can suggest what it is from it (staff confirm).
    field_order = ["description", "kind", "channel", "received_on", "received_by"]
    guidance = [
        "A complaint is any expression of dissatisfaction, however made; the resident does not have to use the word “complaint” (Code 1.2, 1.3). If they are unhappy, offer them the choice to complain.",
        "A service request (such as a repair) is not a complaint, but if they are unhappy with how it is handled, log a complaint and the request carries on (1.4, 1.5).",
        "Any member of staff can receive a complaint (3.2). Write down what the resident said in their own words.",
    ]
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[(Kind.COMPLAINT.value, "A complaint: the resident is unhappy with our service"), (Kind.SERVICE_REQUEST.value, "A service request: asking us to do something"), (Kind.COMPLIMENT.value, "A compliment")],
        widget=forms.RadioSelect,
    )
    kind.required_message = "Select whether it is a complaint, a service request or a compliment"
    channel = forms.ChoiceField(label="How did it reach us?", choices=Channel.choices, widget=forms.RadioSelect)
    channel.required_message = "Select how it reached us"
    received_on = DateField(label="Date received")
    received_by = forms.CharField(label="Who took it (if not you)", required=False, help_text="The colleague or team who received it.")
    description = forms.CharField(label="What the resident said, in their own words", widget=forms.Textarea(attrs={"rows": 6}))
    service_area = forms.ModelChoiceField(label="Service area", queryset=ServiceArea.objects.none(), required=False, empty_label="Not known yet")
    themes = forms.ModelMultipleChoiceField(label="Themes", queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    handler = forms.ModelChoiceField(label="Handler", queryset=User.objects.none(), required=False, empty_label="Me")

    # A new resident (only when no existing resident was chosen).
    name = forms.CharField(label="Resident's full name", required=False)
    email = forms.EmailField(label="Email address", required=False)
    phone = PhoneField(label="Phone number", required=False)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(label="Postcode", required=False)
    tenure = forms.ChoiceField(label="Tenure", choices=[("", "Not known")] + Tenure.choices, required=False)
    preferred_channel = forms.ChoiceField(label="How they prefer us to contact them", choices=ContactChannel.choices, required=False)

    # Someone complaining for the resident (3.6).
    representative_name = forms.CharField(label="Representative's name (if someone is acting for the resident)", required=False)
    representative_relationship = forms.CharField(label="Their relationship to the resident", required=False)
    representative_consent_on = DateField(label="Date the resident agreed they may act for them", required=False)
    representative_consent_how = forms.ChoiceField(
        label="How the resident agreed", required=False, widget=forms.RadioSelect,
        choices=[c for c in ConsentHow.choices if c[0] != ConsentHow.RESIDENT_ONLINE],
    )

    def __init__(self, *args, resident=None, suggesting=False, **kwargs):
        """suggesting: the handler asked for a suggestion from what the resident said; the kind
        and themes are pre-selected from it and nothing is checked or saved."""
        self.resident = resident
        self.suggesting = suggesting
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = ServiceArea.objects.filter(active=True)
        self.fields["themes"].queryset = Theme.objects.filter(active=True)
        self.fields["handler"].queryset = User.objects.filter(is_active=True, role__in=CASEWORK_ROLES).order_by("first_name", "username")
        self.fields["received_on"].initial = timezone.localdate()
        if resident is not None:
            for name in ("name", "email", "phone", "address", "postcode", "tenure", "preferred_channel"):
                del self.fields[name]
        self.suggestion = None
        said = (self.data.get("description") if self.is_bound else self.initial.get("description")) or ""
        if said.strip():
            self.suggestion = suggest_for_log(said)
            if suggesting or not self.is_bound:
                self._preselect(self.suggestion)

    def _preselect(self, suggestion):
        themes = [str(t.pk) for t in suggestion.themes]
        if self.is_bound:
            self.data = self.data.copy()
            self.data["kind"] = suggestion.kind
            if hasattr(self.data, "setlist"):
                self.data.setlist("themes", themes)
            else:
                self.data["themes"] = themes
        else:
            self.initial = {**self.initial, "kind": suggestion.kind, "themes": themes}

    def full_clean(self):
        if self.suggesting:  # only a suggestion was asked for: no errors for fields not filled in yet
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self):
        return not self.suggesting and super().is_valid()

    def clean(self):
        data = super().clean()
        if self.resident is None and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the resident's full name")
        if data.get("representative_name") and not data.get("representative_consent_on"):
            self.add_error("representative_consent_on", "Enter the date the resident agreed that this person may act for them")
        if data.get("representative_name") and not data.get("representative_consent_how"):
            self.add_error("representative_consent_how", "Select how the resident agreed that this person may act for them")
        return data

    @transaction.atomic
    def perform(self):
        d = self.cleaned_data
        resident = self.resident
        if resident is None:
            resident = Resident.objects.create(
                name=d["name"].strip(), email=d["email"], phone=d["phone"], address=d["address"], postcode=d["postcode"].upper(),
                tenure=d["tenure"], preferred_channel=d["preferred_channel"] or ContactChannel.EMAIL,
            )
        representative = None
        if d.get("representative_name"):
            representative = Representative.objects.create(
                resident=resident, name=d["representative_name"], relationship=d["representative_relationship"],
                consent_given_on=d["representative_consent_on"],
                # Recorded by staff, with how it was given: verified (putright.residents.consent).
                consent_verified_on=d["representative_consent_on"], consent_how=d["representative_consent_how"], consent_recorded_by=self.user,
            )
        return actions.log_case(
            kind=d["kind"], received_on=d["received_on"], description=d["description"], channel=d["channel"], resident=resident,
            representative=representative, service_area=d["service_area"], themes=d["themes"], received_by=d["received_by"],
            handler=d["handler"] or self.user, actor=self.user,
        )

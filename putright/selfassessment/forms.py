from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import DateField
from putright.reports import periods

from .models import Complies


class NewVersionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    year = forms.IntegerField(label="Reporting year whose figures are the evidence",
                              help_text="The year the reporting year starts: 2024 means 1 April 2024 to 31 March 2025.")

    def clean_year(self):
        try:
            return periods.check_year(self.cleaned_data["year"])
        except ValueError as e:
            raise forms.ValidationError(str(e).capitalize()) from None


class AnswerForm(forms.Form):
    complies = forms.ChoiceField(label="Do we comply?", choices=Complies.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(label="Evidence", required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
                               help_text="Where the policy or practice shows it: document and section, or what the figures show.")
    commentary = forms.CharField(label="Commentary / explanation", required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}))

    def clean(self):
        data = super().clean()
        if data.get("complies") == Complies.NO and not (data.get("commentary") or "").strip():
            self.add_error("commentary", "Explain what is being done to comply, and by when")
        return data


class ApprovalForm(forms.Form):
    approved_on = DateField(label="Date the governing body approved it")
    governing_body_response = forms.CharField(label="The governing body's response", max_length=20000,
                                              widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-textarea"}))

    def clean_approved_on(self):
        day = self.cleaned_data["approved_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("Date the governing body approved it must be today or in the past")
        return day

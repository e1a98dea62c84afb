from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from putright.accounts.models import CASEWORK_ROLES, User
from putright.cases.forms.base import ActionForm, DateField
from putright.cases.models import ServiceArea
from putright.learning import actions
from putright.learning.models import ImprovementStatus, LearningItem


class LearningForm(ActionForm):
    title = "Record learning"
    guidance = [
        "Learn beyond the single case: what went wrong, why, and what will change (Code 9.1–9.3).",
        "Learning feeds service improvements and the annual report's \u201cyou said, we did\u201d (8.1 d).",
    ]
    recorded_on = DateField(label="Date recorded")
    what_went_wrong = forms.CharField(label="What went wrong", widget=forms.Textarea(attrs={"rows": 3}))
    root_cause = forms.CharField(label="Root cause", widget=forms.Textarea(attrs={"rows": 3}))
    learning = forms.CharField(label="What we will do differently", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    service_area = forms.ModelChoiceField(label="Service area", queryset=ServiceArea.objects.none(), required=False, empty_label="As on the case")
    contractor = forms.CharField(label="Contractor involved, if any", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = timezone.localdate()
        self.fields["service_area"].queryset = ServiceArea.objects.filter(active=True)

    def perform(self):
        d = self.cleaned_data
        return actions.record_learning(
            self.case, recorded_on=d["recorded_on"], what_went_wrong=d["what_went_wrong"], root_cause=d["root_cause"],
            learning=d["learning"], service_area=d["service_area"], contractor=d["contractor"], actor=self.user,
        )


class ImprovementForm(ActionForm):
    title = "Add a service improvement"
    improvement_title = forms.CharField(label="The improvement")
    description = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), required=False, empty_label="A team (name it below)")
    owner_name = forms.CharField(label="Team, if not a person", required=False)
    due_by = DateField(label="Due by")
    service_area = forms.ModelChoiceField(label="Service area", queryset=ServiceArea.objects.none(), required=False, empty_label="None")
    learning_items = forms.ModelMultipleChoiceField(
        label="Learning behind it", queryset=LearningItem.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    you_said_we_did = forms.CharField(label="You said, we did", required=False, help_text="For the annual report; needed when it is done.", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role__in=CASEWORK_ROLES).order_by("first_name", "username")
        self.fields["service_area"].queryset = ServiceArea.objects.filter(active=True)
        self.fields["learning_items"].queryset = (
            LearningItem.objects.select_related("case")
            .filter(recorded_on__gte=timezone.localdate() - dt.timedelta(days=365))
            .order_by("-recorded_on", "-id")
        )

    def perform(self):
        d = self.cleaned_data
        return actions.add_improvement(
            title=d["improvement_title"], description=d["description"], owner=d["owner"], owner_name=d["owner_name"], due_by=d["due_by"],
            service_area=d["service_area"], learning_items=d["learning_items"], you_said_we_did=d["you_said_we_did"], actor=self.user,
        )


class ImprovementUpdateForm(ActionForm):
    title = "Update the improvement"
    status = forms.ChoiceField(label="Status", choices=ImprovementStatus.choices, widget=forms.RadioSelect)
    done_on = DateField(label="Date done", required=False)
    you_said_we_did = forms.CharField(label="You said, we did", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, improvement=None, **kwargs):
        self.improvement = improvement
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = improvement.status
        self.fields["done_on"].initial = improvement.done_on
        self.fields["you_said_we_did"].initial = improvement.you_said_we_did

    def perform(self):
        d = self.cleaned_data
        return actions.update_improvement(
            self.improvement, status=d["status"], done_on=d["done_on"], you_said_we_did=d["you_said_we_did"], actor=self.user
        )

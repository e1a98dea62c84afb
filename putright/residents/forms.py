from __future__ import annotations

from django import forms
from django.utils import timezone

from putright.cases.forms.base import ActionForm, DateField
from putright.residents import actions, consent
from putright.residents.models import AdjustmentKind

OUTCOMES = [("continue", "Continue, with a new review date"), ("end", "End it")]


class RestrictionForm(ActionForm):
    title = "Restrict contact"
    submit = "Record the restriction"
    guidance = [
        "Restrictions for unacceptable behaviour must be evidenced and proportionate, with regard to the Equality Act 2010 (Code 5.14).",
        "Set a review date: restrictions are reviewed regularly, and one not reviewed by its date lapses (5.15).",
    ]
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label="Evidence", widget=forms.Textarea(attrs={"rows": 3}))
    restricted = forms.CharField(label="What is restricted", help_text="And how the resident can still make contact.", widget=forms.Textarea(attrs={"rows": 3}))
    equality_considerations = forms.CharField(label="Equality Act considerations", widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = DateField(label="Start date")
    review_by = DateField(label="Review by", help_text="Within about six months.")

    def __init__(self, *args, resident=None, **kwargs):
        self.resident = resident
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()

    def perform(self):
        return actions.add_restriction(self.resident, actor=self.user, **self.cleaned_data)


class RestrictionReviewForm(ActionForm):
    title = "Review the restriction"
    guidance = ["Consider the behaviour since, whether the restriction is still needed and proportionate, and the Equality Act (5.15)."]
    reviewed_on = DateField(label="Date reviewed")
    outcome = forms.ChoiceField(label="Outcome", choices=OUTCOMES, widget=forms.RadioSelect)
    next_review_by = DateField(label="Next review by", required=False, help_text="If it continues.")
    notes = forms.CharField(label="What the review considered", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, restriction=None, **kwargs):
        self.restriction = restriction
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()

    def perform(self):
        return actions.review_restriction(self.restriction, actor=self.user, **self.cleaned_data)


class RestrictionEndForm(ActionForm):
    title = "Record that the restriction has ended"
    ended_on = DateField(label="Date ended")
    reason = forms.CharField(label="Why, and how the resident was told", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, restriction=None, **kwargs):
        self.restriction = restriction
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()

    def perform(self):
        return actions.end_restriction(self.restriction, actor=self.user, **self.cleaned_data)


class AdjustmentForm(ActionForm):
    title = "Add an adjustment or vulnerability"
    guidance = ["Record adjustments agreed and any disability disclosed, and keep them under active review (Code 5.10)."]
    kind = forms.ChoiceField(label="What is it", choices=AdjustmentKind.choices, widget=forms.RadioSelect)
    kind.required_message = "Select what it is"
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = DateField(label="Date agreed or disclosed")
    review_by = DateField(label="Review by")

    def __init__(self, *args, resident=None, **kwargs):
        self.resident = resident
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()

    def perform(self):
        return actions.add_adjustment(self.resident, actor=self.user, **self.cleaned_data)


class AdjustmentReviewForm(ActionForm):
    title = "Review the adjustment"
    guidance = ["Check with the resident that the adjustment still meets their needs (Code 5.10)."]
    reviewed_on = DateField(label="Date reviewed")
    outcome = forms.ChoiceField(label="Outcome", choices=OUTCOMES, widget=forms.RadioSelect)
    next_review_by = DateField(label="Next review by", required=False, help_text="If it continues.")
    note = forms.CharField(label="What the review found", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, adjustment=None, **kwargs):
        self.adjustment = adjustment
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()

    def perform(self):
        return actions.review_adjustment(self.adjustment, actor=self.user, **self.cleaned_data)


class ConsentForm(ActionForm):
    title = "Record the resident's agreement"
    guidance = [
        "Record how the resident themselves told us that this person may act for them (Code 3.6): "
        "from the contact details on their own record, not the representative's word.",
        "Until then the representative sees nothing of the case and gets no letters or emails about it.",
    ]
    verified_on = DateField(label="Date the resident agreed")
    how = forms.ChoiceField(label="How the resident agreed", choices=consent.STAFF_WAYS, widget=forms.RadioSelect)
    how.required_message = "Select how the resident agreed"
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="For example, the date of their letter, or who took the call.")

    def __init__(self, *args, representative=None, **kwargs):
        self.representative = representative
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = timezone.localdate()

    def perform(self):
        return consent.record_consent(self.representative, actor=self.user, **self.cleaned_data)

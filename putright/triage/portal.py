"""The residents' site: report a problem, and if it reads as dissatisfaction, be offered the
choice to make a complaint, in plain words (Code 1.3). Nothing is sent from these pages: a
complaint goes on through the portal's complaint questions with the resident's words filled in.
"""

from django import forms
from django.shortcuts import redirect
from django.urls import reverse

from putright.portal.forms import PortalForm
from putright.portal.journey import Journey
from putright.portal.views import page
from putright.triage.engine import suggest

SESSION_KEY = "triage_report"


class ProblemForm(PortalForm):
    problem = forms.CharField(
        label="What is the problem?",
        help_text="Tell us in your own words. For example, what needs fixing, and what has happened so far.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
    )
    problem.required_message = "Tell us what the problem is"


class ChoiceForm(PortalForm):
    choice = forms.ChoiceField(
        label="Do you want to make a complaint?",
        choices=[
            ("complaint", "Yes, make a complaint: look into what went wrong and put it right"),
            ("request", "No, I just want the problem sorted out"),
        ],
        widget=forms.RadioSelect,
    )
    choice.required_message = "Choose whether you want to make a complaint"


def report(request):
    """Step 1: the problem in the resident's own words."""
    said = request.session.get(SESSION_KEY, "")
    if request.method == "POST":
        form = ProblemForm(request.POST)
        if form.is_valid():
            request.session[SESSION_KEY] = form.cleaned_data["problem"]
            return redirect("triage:choose")
    else:
        form = ProblemForm(initial={"problem": said} if said else None)
    return page(request, "triage/report.html", {"form": form})


def choose(request):
    """Step 2: what the resident wants. Dissatisfaction heard: offer the complaint first (1.3)."""
    said = request.session.get(SESSION_KEY)
    if not said:
        return redirect("triage:report")
    s = suggest(said)
    unhappy = s.kind == "complaint"
    form = ChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["choice"] == "complaint":
            Journey(request.session).record("what-happened", {"what_happened": said})
            return redirect("portal:question", "put-right")
        return redirect("triage:request")
    return page(request, "triage/choose.html", {"form": form, "unhappy": unhappy, "words": s.kind_why, "said": said})


def request_only(request):
    """The resident wants the problem sorted, not a complaint: how to get it done."""
    if not request.session.get(SESSION_KEY):
        return redirect("triage:report")
    return page(request, "triage/request.html", {"complain_url": reverse("triage:choose")})

"""The residents' site: "Report damp or mould", with photos, and the dates the law gives.

One page, no account needed. Sending it logs a service request (channel: online) with the photos,
records anyone at greater risk on the resident's record, and raises a significant-hazard report
whose clock starts at the moment the report arrived; all in one transaction through the service
functions, so nothing is half saved. Staff decide whether it is in fact an emergency.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from putright.cases import actions as case_actions
from putright.cases.models import Channel, Direction, LandlordSettings
from putright.portal.forms import MultipleFileField, PortalForm, _area, _files_help, _text
from putright.residents import actions as residents_actions
from putright.residents.models import AdjustmentKind, ContactChannel, Resident
from putright.rules import hazards as rules
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind

from . import actions, kinds, steps
from .models import AwareHow, HazardReport

SESSION_KEY = "putright_damp_report"


class DampReportForm(PortalForm):
    what = _area(
        "What can you see?",
        help_text="Where in your home, how much, and how long it has been there. For example: black mould on the bedroom ceiling, about the size of a door, for two months.",
    )
    at_risk = _area(
        "Is anyone in your home at greater risk? (optional)", required=False, rows=3, max_length=2000,
        help_text="For example, a baby or young child, someone pregnant or older, or someone with asthma, a lung condition or a weak immune system.",
    )
    name = _text("Your full name", autocomplete="name")
    email = _text("Email address (optional)", required=False, input_type="email", autocomplete="email", max_length=254)
    phone = _text("Phone number (optional)", required=False, autocomplete="tel", max_length=40, width="20")
    address = _area("Your address", rows=3, max_length=500, autocomplete="street-address")
    postcode = _text("Postcode", autocomplete="postal-code", max_length=12, width="10")
    files = MultipleFileField(label="Photos (optional)")

    what.required_message = "Tell us what you can see"
    name.required_message = "Enter your full name"
    address.required_message = "Enter your address"
    postcode.required_message = "Enter your postcode"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("email") or "").strip() and not (data.get("phone") or "").strip():
            self.add_error("email", "Enter an email address or a phone number, so we can arrange a visit")
        return data


def _resident(d: dict) -> Resident:
    email = (d.get("email") or "").strip()
    found = Resident.objects.filter(email__iexact=email).order_by("id").first() if email else None
    if found is not None:
        return found
    return Resident.objects.create(
        name=d["name"].strip(), email=email, phone=(d.get("phone") or "").strip(), address=d["address"].strip(),
        postcode=d["postcode"].strip().upper(),
        preferred_channel=ContactChannel.EMAIL if email else ContactChannel.PHONE,
    )


@transaction.atomic
def submit(d: dict, *, now: dt.datetime) -> HazardReport:
    today = timezone.localtime(now).date()
    resident = _resident(d)
    label = f"{d['name'].strip()} (resident)"
    case = case_actions.log_case(
        kind=Kind.SERVICE_REQUEST, channel=Channel.ONLINE, received_on=today, description=f"Damp or mould reported online.\n\n{d['what'].strip()}",
        resident=resident, actor=None, actor_label=label, today=today,
    )
    files = [case_actions.NewFile(f.name, f.checked_type, f.read()) for f in d.get("files") or []]
    if files:
        case_actions.add_correspondence(
            case, direction=Direction.IN, occurred_on=today, subject="Photos sent with the damp or mould report",
            correspondent=d["name"].strip(), files=files, actor=None, actor_label=label, today=today,
        )
    at_risk = (d.get("at_risk") or "").strip()
    if at_risk:
        residents_actions.add_adjustment(
            resident, kind=AdjustmentKind.VULNERABILITY, description=f"Told us with {case.reference} (damp or mould): {at_risk}",
            agreed_on=today, review_by=today + dt.timedelta(days=90), actor=None, today=today,
        )
    return actions.raise_hazard(
        case, kind=kinds.damp(), category=rules.SIGNIFICANT, aware_at=now,
        aware_how=AwareHow.PORTAL, description=d["what"].strip(), home=f"{d['address'].strip()}\n{d['postcode'].strip().upper()}",
        actor=None, actor_label=label,
    )


def report_damp(request):
    form = DampReportForm(*((request.POST, request.FILES) if request.method == "POST" else (None, None)))
    if request.method == "POST" and form.is_valid():
        try:
            report = submit(form.cleaned_data, now=timezone.now())
        except RuleViolation as error:
            form.add_error("files" if error.field == "files" else None, str(error))
        else:
            request.session[SESSION_KEY] = report.pk
            return redirect("hazards-portal:sent")
    return render(request, "hazards/portal_report.html", {"form": form, "landlord": LandlordSettings.load()})


def sent(request):
    pk = request.session.get(SESSION_KEY)
    report = HazardReport.objects.select_related("case").filter(pk=pk).first() if pk else None
    if report is None:
        return redirect("hazards-portal:report")
    scales = steps.timescales(report)
    return render(request, "hazards/portal_sent.html", {
        "report": report, "investigate_by": scales.get("investigate_by"), "landlord": LandlordSettings.load(),
        "days": {"investigate": rules.INVESTIGATE_WORKING_DAYS, "summary": rules.SUMMARY_WORKING_DAYS,
                 "safety": rules.SAFETY_WORK_WORKING_DAYS, "begin": rules.PREVENTATIVE_BEGIN_WORKING_DAYS,
                 "weeks": rules.PREVENTATIVE_START_WEEKS},
    })


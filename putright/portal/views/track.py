"""Track and act: sign in by private link or one-time code, see your cases, act on them.

Every view that takes a reference fetches the case with `access.get_case_for_resident` and
changes it only through `putright.cases.actions`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from putright.cases import actions
from putright.cases.models import Attachment, Case, Correspondence, Direction
from putright.notifications import emails
from putright.notifications.models import Outbox
from putright.notifications.outbox import send_now
from putright.portal import access
from putright.portal.access import CodeRefused, get_case_for_resident, resident_view
from putright.portal.forms import AddInformationForm, CodeForm, EmailForm, NotReceivedForm, StageTwoForm, SurveyForm
from putright.portal.models import SurveyResponse
from putright.portal.views import page
from putright.protect import throttle
from putright.portal.views.consent import pending_representative
from putright.rules import deadlines, lifecycle
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Action, Kind, State

log = logging.getLogger(__name__)
PENDING_KEY = "portal_pending_email"


def _data(request):
    """The posted data, or None: `request.POST or None` would treat an empty POST as no POST."""
    return request.POST if request.method == "POST" else None


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


# --- signing in -------------------------------------------------------------------------------


def sign_in(request):
    if access.identity_of(request) is not None and request.method == "GET":
        return redirect("portal:my-cases")
    form = EmailForm(_data(request), initial={"email": request.session.get(PENDING_KEY, "")})
    if request.method == "POST" and form.is_valid():
        email = access.normalise_email(form.cleaned_data["email"])
        address = throttle.client_address(request)
        if access.codes_sent_recently(email) >= access.CODES_PER_HOUR or throttle.exceeded("portal-code-request-address", address):
            form.add_error("email", "You have asked for too many codes. Wait an hour, then try again, or call us")
        else:
            throttle.count("portal-code-request-address", address)
            code = access.new_code(email)
            # Only addresses with cases get an email, and it is sent after the answer, in the
            # background: the page says the same, as quickly, whether or not the address has
            # complained or the mail server is up (security finding: /track/ told by message
            # and by timing). A failed send is logged; the resident can ask again.
            if access.has_cases(email):
                emails.send_in_background(emails.sign_in_code_message(email, code))
            request.session[PENDING_KEY] = email
            return redirect("portal:code")
    return page(request, "portal/sign_in.html", {"form": form})


def enter_code(request):
    email = request.session.get(PENDING_KEY)
    if not email:
        return redirect("portal:sign-in")
    form = CodeForm(_data(request))
    address = throttle.client_address(request)
    if request.method == "POST" and throttle.exceeded("portal-code-check-address", address):
        form.is_valid()
        form.add_error("code", "You have entered too many codes. Wait an hour, then try again, or call us")
    elif request.method == "POST" and form.is_valid():
        throttle.count("portal-code-check-address", address)
        try:
            access.check_code(email, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            request.session.pop(PENDING_KEY, None)
            access.sign_in(request, email, "code")
            return redirect("portal:my-cases")
    return page(request, "portal/code.html", {"form": form, "email": email, "minutes": access.CODE_MINUTES})


def link(request, token: str):
    """A private link shows a button; only pressing it (a POST) signs in. Mail scanners and link
    previews follow links with GET, and must not sign anyone in (security finding, Low)."""
    record = access.check_token(token, use=request.method == "POST")
    if record is None:
        return page(request, "portal/link_invalid.html", {"days": access.TOKEN_DAYS}, status=404)
    if request.method != "POST":
        return page(request, "portal/link_confirm.html")
    access.sign_in(request, record.email, "link")
    return redirect("portal:my-cases")


@require_POST
def sign_out(request):
    access.sign_out(request)
    return redirect("portal:start")


# --- what the resident sees -------------------------------------------------------------------

# (short words for the tag, a sentence about what happens next)
STATUS_WORDS = {
    State.STAGE1_LOGGED: ("Received", "We have your complaint. We will contact you by {acknowledge_by} to confirm we understand it and what you would like us to do."),
    State.STAGE1_ACKNOWLEDGED: ("Being looked into", "We are looking into your complaint. We will send you our response by {respond_by}."),
    State.STAGE1_RESPONDED: ("Response sent", "We have sent you our response. If you are not happy with it, you can ask us to look at it again (stage 2)."),
    State.STAGE2_REQUESTED: ("Stage 2 asked for", "You have asked us to look at your complaint again. We will contact you by {acknowledge_by} to confirm what you are still unhappy about."),
    State.STAGE2_ACKNOWLEDGED: ("Being looked at again", "We are looking at your complaint again (stage 2). We will send you our final response by {respond_by}."),
    State.STAGE2_RESPONDED: ("Final response sent", "We have sent you our final response. If you are still unhappy, you can ask the Housing Ombudsman to look at it."),
    State.REFUSED: ("Not accepted", "We could not accept this. We have written to explain why, and how you can ask the Housing Ombudsman to look at our decision."),
    State.WITHDRAWN: ("Withdrawn", "This was withdrawn. If you want to complain again, you can make a new complaint."),
    State.CLOSED: ("Closed", "This is closed. If you have a new problem, you can make a new complaint."),
    State.OPEN: ("Open", "We are dealing with this."),
}


#: Where the resident is told how to go to the Housing Ombudsman on their complaint's page: the
#: complaints process has finished (final response, closed) or the complaint was not accepted
#: (2.4, 3.7, 6.19 g).
OMBUDSMAN_STATES = {State.STAGE2_RESPONDED, State.REFUSED, State.CLOSED}


def _d(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def status_of(case: Case) -> dict:
    stage = case.current_stage
    tag, sentence = STATUS_WORDS[State(case.state)]
    return {
        "tag": tag,
        "sentence": sentence.format(
            acknowledge_by=_d(stage.acknowledge_by) if stage else "", respond_by=_d(stage.respond_by) if stage else ""
        ),
    }


def who(case: Case, identity) -> str:
    """How the portal user appears on the case's timeline."""
    rep = case.representative
    if rep is not None and rep.email and rep.email.lower() == identity.email:
        return f"{rep.name} (representative)"
    return f"{case.resident.name if case.resident else identity.email} (resident)"


def can_ask_stage_two(case: Case) -> bool:
    return Action.REQUEST_STAGE2 in lifecycle.allowed_actions(Kind(case.kind), State(case.state), case.previous_state or None)


def can_report_not_received(case: Case, today: dt.date) -> bool:
    """Once a response has been sent, or was due and has not come."""
    stage = case.current_stage
    if stage is None or case.state in (State.REFUSED, State.WITHDRAWN):
        return False
    return stage.response_issued_on is not None or stage.respond_by < today


def can_answer_survey(case: Case) -> bool:
    return case.state == State.CLOSED and not SurveyResponse.objects.filter(case=case).exists()


@resident_view
def my_cases(request, identity):
    cases = access.cases_for_resident(identity).prefetch_related("stages").order_by("-received_on", "-id")
    rows = [{"case": c, "status": status_of(c)} for c in cases]
    waiting = access.awaiting_consent(identity).order_by("-received_on", "-id").only("reference", "received_on")
    return page(request, "portal/my_cases.html", {"rows": rows, "waiting": waiting, "identity": identity})


def _visible(case: Case, direction: str):
    return (
        Correspondence.objects.filter(case=case, direction=direction, internal=False)
        .prefetch_related("attachments")
        .order_by("occurred_on", "id")
    )


@resident_view
def case_detail(request, identity, reference: str):
    case = get_case_for_resident(identity, reference, Case.objects.prefetch_related("stages__extensions"))
    today = timezone.localdate()
    stages = sorted(case.stages.all(), key=lambda s: s.number)
    return page(request, "portal/case.html", {
        "case": case,
        "status": status_of(case),
        "stages": stages,
        "sent": _visible(case, Direction.OUT),
        "received": _visible(case, Direction.IN),
        "remedies": case.remedies.all(),
        "actions": case.actions.all(),
        "can_stage_two": can_ask_stage_two(case),
        "ombudsman_now": case.kind == Kind.COMPLAINT and case.state in OMBUDSMAN_STATES,
        "can_not_received": can_report_not_received(case, today),
        "can_survey": can_answer_survey(case),
        "survey": SurveyResponse.objects.filter(case=case).first(),
        "pending_representative": pending_representative(case, identity),
    })


@resident_view
def attachment(request, identity, reference: str, pk: int):
    case = get_case_for_resident(identity, reference)
    item = (
        Attachment.objects.filter(pk=pk, correspondence__case=case, correspondence__internal=False)
        .exclude(correspondence__direction=Direction.NOTE)
        .first()
    )
    if item is None:
        raise Http404("No such file.")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type)


def _send_case_emails(case: Case) -> None:
    send_now(list(Outbox.objects.filter(case=case, sent_at__isnull=True, next_attempt_at__isnull=False)))


@resident_view
def add_information(request, identity, reference: str):
    case = get_case_for_resident(identity, reference)
    form = AddInformationForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        files = [actions.NewFile(f.name, f.checked_type, f.read()) for f in form.cleaned_data["files"]]
        size, address = sum(len(f.content) for f in files), throttle.client_address(request)
        if size and throttle.exceeded("upload-bytes-address", address, amount=size):
            form.add_error("files", "We cannot take more files from you just now. Try again in an hour, or send them by post or email")
            return page(request, "portal/add_information.html", {"form": form, "case": case, "heading": "Add information", "button": "Send", "multipart": True})
        if size:
            throttle.count("upload-bytes-address", address, amount=size)
        try:
            actions.add_correspondence(
                case, direction=Direction.IN, method="", occurred_on=timezone.localdate(),
                subject="Information added online", body=form.cleaned_data["message"], files=files,
                correspondent=who(case, identity).rsplit(" (", 1)[0], actor=None, actor_label=who(case, identity),
            )
        except RuleViolation as error:
            form.add_error("files" if error.field == "files" else "message", str(error))
        else:
            messages.success(request, "Thank you. We have added this to your complaint.")
            return redirect("portal:case", case.reference)
    return page(request, "portal/add_information.html", {"form": form, "case": case, "heading": "Add information", "button": "Send", "multipart": True})


@resident_view
def stage_two(request, identity, reference: str):
    case = get_case_for_resident(identity, reference)
    if not can_ask_stage_two(case):
        raise Http404("Stage 2 cannot be asked for on this case now.")
    form = StageTwoForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_stage_two(
                case, requested_on=timezone.localdate(), reason=form.cleaned_data["reason"],
                actor=None, actor_label=who(case, identity),
            )
        except RuleViolation as error:
            form.add_error("reason", str(error))
        else:
            _send_case_emails(case)
            stage2 = case.stages.get(number=2)
            messages.success(request, f"We have your request for stage 2. We will contact you by {_d(stage2.acknowledge_by)}.")
            return redirect("portal:case", case.reference)
    return page(request, "portal/stage_two.html", {
        "form": form, "case": case, "heading": "Ask us to look at your complaint again", "button": "Ask for stage 2",
        "limits": deadlines.STAGE_LIMITS[2],
    })


@resident_view
def not_received(request, identity, reference: str):
    case = get_case_for_resident(identity, reference)
    today = timezone.localdate()
    if not can_report_not_received(case, today):
        raise Http404("Nothing to report yet.")
    form = NotReceivedForm(_data(request))
    stage = case.current_stage
    if request.method == "POST" and form.is_valid():
        label = who(case, identity)
        what = f"stage {stage.number} response"
        with transaction.atomic():
            actions.add_correspondence(
                case, direction=Direction.IN, occurred_on=today, subject=f"The {what} was not received",
                body=form.cleaned_data["message"] or f"I have not received the {what}.",
                correspondent=label.rsplit(" (", 1)[0], actor=None, actor_label=label,
            )
            actions.add_correspondence(
                case, direction=Direction.NOTE, internal=True, occurred_on=today,
                subject=f"Action: resident says the {what} was not received",
                body=(
                    f"{label} told us online on {_d(today)} that they have not received the {what}"
                    + (f" (sent {_d(stage.responded_on)})" if stage.response_issued_on else f" (due by {_d(stage.respond_by)})")
                    + ". Check the address and method used and send it again, or tell them when it will come."
                ),
                actor=None, actor_label="PutRight portal",
            )
        messages.success(request, "Thank you for telling us. We will check and send the response again, or tell you when it will come.")
        return redirect("portal:case", case.reference)
    return page(request, "portal/not_received.html", {
        "form": form, "case": case, "stage": stage, "heading": "Tell us you have not received our response", "button": "Send",
    })


@resident_view
def survey(request, identity, reference: str):
    case = get_case_for_resident(identity, reference)
    if not can_answer_survey(case):
        raise Http404("No survey for this case.")
    form = SurveyForm(_data(request))
    if request.method == "POST" and form.is_valid():
        SurveyResponse.objects.get_or_create(  # one per case, even if sent twice
            case=case,
            defaults={"rating": form.cleaned_data["rating"], "comment": form.cleaned_data["comment"], "answered_by": identity.email},
        )
        messages.success(request, "Thank you for your feedback.")
        return redirect("portal:case", case.reference)
    return page(request, "portal/survey.html", {"form": form, "case": case, "heading": "How did we do?", "button": "Send feedback"})

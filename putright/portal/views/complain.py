"""Complain online without an account: one question a page, check your answers, send."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from putright.cases.calendar import landlord_calendar
from putright.notifications.models import Outbox
from putright.notifications.outbox import send_now
from putright.portal.journey import BY_SLUG, SENT_KEY, STEPS, Journey, discard_stale_drafts, submit
from putright.portal.models import DraftFile
from putright.portal.views import page
from putright.protect import throttle
from putright.residents.models import ContactChannel, Format
from putright.rules import deadlines
from putright.rules.errors import RuleViolation

log = logging.getLogger(__name__)


QUESTION_IS_FIRST_FIELD = {"what-happened", "put-right", "when", "someone-else", "contact"}


def start(request):
    return page(request, "portal/start.html", {"first_step": STEPS[0].slug, "limits": deadlines.STAGE_LIMITS})


def _form_for(step, journey: Journey, data=None, files=None):
    kwargs = {}
    if step.slug == "contact":
        kwargs["details"] = journey.answers
    if step.slug == "attachments":
        kwargs["already"] = journey.files().count()
    if data is not None:
        return step.form(data, files, **kwargs)
    return step.form(initial=step.form.initial_from(journey.step_answers(step.slug) or {}), **kwargs)


def question(request, step: str):
    step = BY_SLUG.get(step)
    if step is None:
        raise Http404("No such question.")
    journey = Journey(request.session)
    if step not in journey.applicable():
        return redirect("portal:question", (journey.first_missing() or STEPS[0]).slug)
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = _form_for(step, journey, request.POST, request.FILES)
        if form.is_valid():
            if step.slug == "attachments":
                response = _attachments_posted(request, journey, form, changing)
                if response is not None:
                    return response  # otherwise over a quota: the page again, with the error
            else:
                journey.record(step.slug, form.answers())
                return redirect(_next_url(journey, step, changing))
    else:
        form = _form_for(step, journey)
    if step.slug == "attachments":
        journey.save()  # keep the draft id: files are filed under it
    previous = journey.before(step.slug)
    back = reverse("portal:check-answers") if changing else (
        reverse("portal:question", args=[previous.slug]) if previous else reverse("portal:start")
    )
    return page(request, "portal/question.html", {
        "form": form, "step": step, "back": back, "changing": changing,
        # The question is the first field's label (GOV.UK: the label or legend is the h1).
        "single": step.slug in QUESTION_IS_FIRST_FIELD,
        "files": journey.files() if step.slug == "attachments" else [],
        "step_number": [s.slug for s in journey.applicable()].index(step.slug) + 1,
        "step_count": len(journey.applicable()),
    })


def _next_url(journey: Journey, step, changing: bool) -> str:
    if changing:
        missing = journey.first_missing()
        if missing is not None:
            return reverse("portal:question", args=[missing.slug]) + "?change=1"
        return reverse("portal:check-answers")
    following = journey.after(step.slug)
    return reverse("portal:question", args=[following.slug]) if following else reverse("portal:check-answers")


def _attachments_posted(request, journey: Journey, form, changing: bool):
    remove = request.POST.get("remove")
    if remove:
        for f in journey.files().filter(pk=remove if remove.isdigit() else 0):
            f.file.delete(save=False)
            f.delete()
        return redirect(reverse("portal:question", args=["attachments"]) + ("?change=1" if changing else ""))
    discard_stale_drafts()
    if not within_upload_quota(request, form, journey.files()):
        return None  # the page is shown again with the error
    for upload in form.cleaned_data["files"]:
        DraftFile.objects.create(
            draft=journey.draft, file=upload, name=upload.name, content_type=upload.checked_type, size=upload.size
        )
    if request.POST.get("action") == "upload":
        journey.save()
        return redirect(reverse("portal:question", args=["attachments"]) + ("?change=1" if changing else ""))
    journey.record("attachments", {})
    return redirect(_next_url(journey, BY_SLUG["attachments"], changing))


def within_upload_quota(request, form, already) -> bool:
    """Each journey may hold PUTRIGHT_UPLOAD_JOURNEY_BYTES; each address may send
    upload-bytes-address an hour, across any number of sessions. Counts what is accepted."""
    new = sum(f.size for f in form.cleaned_data["files"])
    if not new:
        return True
    held = sum(already.values_list("size", flat=True)) if already is not None else 0
    journey_limit = settings.PUTRIGHT_UPLOAD_JOURNEY_BYTES
    address = throttle.client_address(request)
    if held + new > journey_limit:
        form.add_error("files", f"Your files must add up to less than {journey_limit // (1024 * 1024)}MB. Remove a file or send fewer")
    elif throttle.exceeded("upload-bytes-address", address, amount=new):
        form.add_error("files", "We cannot take more files from you just now. Try again in an hour, or send them by post or email")
    else:
        throttle.count("upload-bytes-address", address, amount=new)
        return True
    return False


def _summary(journey: Journey) -> list[dict]:
    """The check-your-answers rows: (question, answer, the page to change it)."""
    a = journey.answers
    rows = []

    def row(label, value, slug):
        rows.append({"label": label, "value": value, "url": reverse("portal:question", args=[slug]) + "?change=1"})

    row("What has gone wrong", a.get("what_happened", ""), "what-happened")
    row("What you would like us to do", a.get("put_right") or "Not said", "put-right")
    when = a.get("when")
    row("When it happened", _long_date(when) if when else "Not sure", "when")
    someone = a.get("for_someone_else") == "yes"
    row("Complaining for someone else", "Yes" if someone else "No", "someone-else")
    if someone:
        row("Their name", a.get("resident_name", ""), "their-details")
        row("Your relationship to them", a.get("relationship", ""), "their-details")
        row("Their address", a.get("resident_address") or "Not given", "their-details")
        row("Their email address", a.get("resident_email") or "Not given", "their-details")
        row("They agreed you can complain for them", "Yes", "their-details")
    row("Your name", a.get("name", ""), "your-details")
    row("Email address", a.get("email") or "Not given", "your-details")
    row("Phone number", a.get("phone") or "Not given", "your-details")
    address = "\n".join(x for x in (a.get("address", ""), a.get("postcode", "")) if x)
    row("Address", address or "Not given", "your-details")
    row("How we should contact you", ContactChannel(a["preferred_channel"]).label if a.get("preferred_channel") else "", "contact")
    row("Format", Format(a.get("preferred_format") or Format.STANDARD).label, "support")
    row("Support you need", a.get("support") or "None", "support")
    files = [f.name for f in journey.files()]
    row("Photos or documents", "\n".join(files) if files else "None", "attachments")
    return rows


def _long_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%-d %B %Y")


def check_answers(request):
    journey = Journey(request.session)
    missing = journey.first_missing()
    if missing is not None:
        return redirect("portal:question", missing.slug)
    error = None
    if request.method == "POST":
        today = timezone.localdate()
        address = throttle.client_address(request)
        recipients = [e for e in (journey.answers.get("email"), journey.answers.get("resident_email")) if e]
        if throttle.exceeded("complaint-address", address) or any(throttle.exceeded("complaint-recipient", e) for e in recipients):
            # The public form sends email in the landlord's name: limited by address and by recipient.
            error = "We have had several complaints from you in a short time, so this one was not sent. Your answers are saved: try again later, or call us."
            return page(request, "portal/check_answers.html", {"rows": _summary(journey), "error": error, "back": reverse("portal:question", args=[journey.applicable()[-1].slug])}, status=429)
        try:
            case, drafts = _send(request, journey, today)
        except RuleViolation as violation:
            error = str(violation)
        except Exception:  # nothing is saved (one transaction) and the answers are kept
            log.exception("Sending an online complaint failed")
            error = "Sorry, there is a problem with the service and your complaint was not sent. Your answers are saved: try again in a few minutes."
        else:
            throttle.count("complaint-address", address)
            for recipient in recipients:
                throttle.count("complaint-recipient", recipient)
            for draft in drafts:  # the uploads, now copied onto the case
                draft.file.delete(save=False)
                draft.delete()
            # The receipt was queued with the case; try to deliver it now, while they wait.
            send_now(list(Outbox.objects.filter(case=case, sent_at__isnull=True)))
            return redirect("portal:sent")
    return page(request, "portal/check_answers.html", {"rows": _summary(journey), "error": error, "back": reverse("portal:question", args=[journey.applicable()[-1].slug])})


def _send(request, journey: Journey, today: dt.date):
    """Log the complaint and save the session saying it was sent, committed together; returns the
    case and the journey's uploads, to remove once it is. Saved apart, a database failing between
    the two (a restart) left a sent complaint with its answers still in the session, and the
    resident pressing "Send" again after the error page sent it twice (test_faults.py). If
    anything fails, nothing is saved and the session is as it was: the answers kept."""
    before = dict(request.session.items())
    try:
        with transaction.atomic():
            case = submit(journey, today=today)
            drafts = list(journey.files())
            emailed = bool(journey.answers.get("email", ""))
            journey.clear()
            # Nothing personal stays in the session once the complaint is sent: not the answers
            # (cleared above), not the email address (docs/data-protection.md).
            request.session[SENT_KEY] = {"reference": case.reference, "received_on": today.isoformat(), "emailed": emailed}
            request.session.save()
    except Exception:
        request.session.clear()
        request.session.update(before)
        raise
    return case, drafts


def sent(request):
    done = request.session.get(SENT_KEY)
    if not isinstance(done, dict):
        return redirect("portal:start")
    received_on = dt.date.fromisoformat(done["received_on"])
    scales = deadlines.timescales(1, received_on, None, landlord_calendar())
    return page(request, "portal/sent.html", {
        "reference": done["reference"], "emailed": done.get("emailed", False), "scales": scales,
        "limits": deadlines.STAGE_LIMITS[1],
    })

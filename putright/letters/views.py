"""Staff pages for letters: draft, check, preview, issue (on a step of its own); and the case
bundle download.

Every page needs a role that can read cases (`staff_view`); drafting, saving and issuing need a
casework role (`require_change`), so oversight can read letters but not write them.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from putright.audit import record_read
from putright.cases.access import get_case_for_staff, require_change, staff_view
from putright.residents.models import Format
from putright.rules.errors import RuleViolation

from . import actions, readability
from . import render as rendering
from .bundle import AUDIENCES
from .forms import LetterForm
from .models import JargonTerm, Letter


def _letter_for_staff(user, pk: int) -> Letter:
    letter = get_object_or_404(Letter.objects.select_related("case", "issued_by", "created_by"), pk=pk)
    get_case_for_staff(user, letter.case.reference)  # the one access check for cases
    return letter


def _preview_html(letter: Letter) -> str:
    if letter.is_issued:
        return letter.html
    sections = actions.sections_for(letter)
    return rendering.render_letter(letter, sections=sections, fmt=rendering.format_for(letter.case), on=timezone.localdate())


@staff_view
def draft(request, reference, kind):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_change(request.user)
    case = get_case_for_staff(request.user, reference)
    try:
        letter = actions.draft_letter(case, kind, actor=request.user)
    except RuleViolation as error:
        messages.info(request, str(error))
        return redirect("cases:detail", case.reference)
    return redirect("letters:letter", letter.pk)


def _draft_context(letter: Letter) -> dict:
    """What the draft page and the issue step show: the checks, plain-English advice, format."""
    case = letter.case
    fmt = rendering.format_for(case)
    sections = actions.sections_for(letter)
    body_text = rendering.html_to_text(rendering.body_with_sections(letter.body_html, sections, fmt))
    jargon = JargonTerm.objects.filter(active=True).values_list("term", "plainer")
    wanted = case.resident.preferred_format if case.resident else Format.STANDARD
    return {
        "problems": actions.problems(letter),
        "readability": readability.assess(body_text, jargon),
        "target_age": readability.TARGET_READING_AGE,
        "long_words": readability.LONG_SENTENCE_WORDS,
        "format_label": dict(Format.choices)[fmt],
        "other_format": dict(Format.choices)[wanted] if wanted not in (Format.STANDARD, fmt) else "",
        # The required parts, printed from the record: shown between the two pieces of wording
        # as a block the handler reads but cannot edit or delete.
        "required_html": rendering.sections_html(sections, fmt),
    }


@staff_view
def letter(request, pk):
    """A draft: edit the wording as plain paragraphs around the fixed required parts, save it,
    or go on to issue it (a step of its own: issuing cannot be undone)."""
    letter = _letter_for_staff(request.user, pk)
    case = letter.case
    if request.method == "GET":
        record_read(request.user, "letter", letter, path=request.path)
    form = LetterForm.for_letter(letter)
    if request.method == "POST":
        require_change(request.user)
        if letter.is_issued:
            messages.info(request, "This letter has been issued and cannot be changed.")
            return redirect("letters:letter", letter.pk)
        if "discard" in request.POST:
            actions.discard_draft(letter, actor=request.user)
            messages.success(request, f"{letter.get_kind_display()}: draft discarded.")
            return redirect("cases:detail", case.reference)
        form = LetterForm.for_letter(letter, request.POST)
        if form.is_valid():
            try:
                letter = actions.save_draft(letter, actor=request.user, subject=form.cleaned_data["subject"], body_html=form.body_html)
            except RuleViolation as error:
                form.add_error("before" if error.field == "body_html" else error.field if error.field in form.fields else None, str(error))
            else:
                if "continue" in request.POST:
                    return redirect("letters:issue", letter.pk)
                messages.success(request, f"{letter.get_kind_display()}: draft saved.")
                return redirect("letters:letter", letter.pk)

    context = {"case": case, "letter": letter, "form": form, "can_change": request.user.can_change_cases}
    if not letter.is_issued:
        context.update(_draft_context(letter))
        context["top"] = SimpleNamespace(hidden_fields=[], visible_fields=[form["subject"], form["before"]])
        context["bottom"] = SimpleNamespace(hidden_fields=[], visible_fields=[form["after"]])
    return render(request, "letters/letter_page.html", context)


@staff_view
def issue(request, pk):
    """The last step, on its own page: what will be sent, to whom, in what format, and a
    warning that it cannot be undone; then issue it."""
    letter = _letter_for_staff(request.user, pk)
    require_change(request.user)
    if letter.is_issued:
        messages.info(request, "This letter has already been issued.")
        return redirect("letters:letter", letter.pk)
    case = letter.case
    errors = []
    if request.method == "POST":
        try:
            with transaction.atomic():
                letter = actions.issue_letter(letter, request.user)
        except actions.LetterIncomplete as error:
            errors = [str(gap) for gap in error.missing]
        except RuleViolation as error:
            errors = [str(error)]
        else:
            messages.success(request, f"{letter.get_kind_display()}: issued and recorded on {case.reference}.")
            return redirect("letters:letter", letter.pk)
    context = {"case": case, "letter": letter, "errors": errors, **_draft_context(letter)}
    return render(request, "letters/issue.html", context)


@staff_view
@xframe_options_sameorigin
def preview(request, pk):
    letter = _letter_for_staff(request.user, pk)
    response = HttpResponse(_preview_html(letter))
    # The letter's own styles only; nothing it contains may run or load.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


@staff_view
def pdf(request, pk):
    letter = _letter_for_staff(request.user, pk)
    record_read(request.user, "letter", letter, path=request.path)
    name = f"{letter.case.reference}-{letter.kind.replace('_', '-')}{'' if letter.is_issued else '-DRAFT'}.pdf"
    if letter.is_issued:
        try:
            return FileResponse(letter.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
        except FileNotFoundError:
            raise Http404("The letter's PDF is missing from storage.")
    data = rendering.pdf_bytes(_preview_html(letter))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view
def bundle(request, reference, audience):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if audience not in AUDIENCES:
        raise Http404("No such bundle.")
    case = get_case_for_staff(request.user, reference)
    result = actions.produce_bundle(case, audience, actor=request.user)
    record_read(request.user, "bundle", case, label=f"{case.reference} ({audience} bundle)", path=request.path)
    response = HttpResponse(result.zip, content_type="application/zip")
    suffix = "" if audience == "ombudsman" else "-resident"
    response["Content-Disposition"] = f'attachment; filename="{case.reference}{suffix}.zip"'
    return response


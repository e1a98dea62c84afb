"""Staff pages for letters: draft, check, preview, issue; and the case bundle download.

Every page needs a role that can read cases (`staff_view`); drafting, saving and issuing need a
casework role (`require_change`), so oversight can read letters but not write them.
"""

from __future__ import annotations

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


@staff_view
def letter(request, pk):
    letter = _letter_for_staff(request.user, pk)
    case = letter.case
    if request.method == "GET":
        record_read(request.user, "letter", letter, path=request.path)
    form = LetterForm(initial={"subject": letter.subject, "body_html": letter.body_html})
    if request.method == "POST":
        require_change(request.user)
        if letter.is_issued:
            messages.info(request, "This letter has been issued and cannot be changed.")
            return redirect("letters:letter", letter.pk)
        if "discard" in request.POST:
            actions.discard_draft(letter, actor=request.user)
            messages.success(request, f"{letter.get_kind_display()}: draft discarded.")
            return redirect("cases:detail", case.reference)
        form = LetterForm(request.POST)
        if form.is_valid():
            try:
                letter = actions.save_draft(letter, actor=request.user, **form.cleaned_data)
            except RuleViolation as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                if "issue" not in request.POST:
                    messages.success(request, f"{letter.get_kind_display()}: draft saved.")
                    return redirect("letters:letter", letter.pk)
                try:
                    with transaction.atomic():
                        letter = actions.issue_letter(letter, request.user)
                except actions.LetterIncomplete as error:
                    for gap in error.missing:
                        form.add_error(None, str(gap))
                except RuleViolation as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, f"{letter.get_kind_display()}: issued and recorded on {case.reference}.")
                    return redirect("letters:letter", letter.pk)

    context = {"case": case, "letter": letter, "form": form, "can_change": request.user.can_change_cases}
    if not letter.is_issued:
        fmt = rendering.format_for(case)
        sections = actions.sections_for(letter)
        body_text = rendering.html_to_text(rendering.body_with_sections(letter.body_html, sections, fmt))
        jargon = JargonTerm.objects.filter(active=True).values_list("term", "plainer")
        wanted = case.resident.preferred_format if case.resident else Format.STANDARD
        context.update(
            problems=actions.problems(letter),
            readability=readability.assess(body_text, jargon),
            target_age=readability.TARGET_READING_AGE,
            long_words=readability.LONG_SENTENCE_WORDS,
            format_label=dict(Format.choices)[fmt],
            other_format=dict(Format.choices)[wanted] if wanted not in (Format.STANDARD, fmt) else "",
        )
    return render(request, "letters/letter_page.html", context)


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


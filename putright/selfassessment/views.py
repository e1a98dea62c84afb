"""The Code self-assessment pages: the versions, the table the Ombudsman expects with the year's
data evidence beside each answer, editing an answer, starting a new version, recording approval,
and the version as published (PDF, CSV, web page).

Every staff role may read and download (oversight included); only managers and administrators
change anything, and nothing in an approved version changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.cases.access import require_manage, staff_view
from putright.reports import periods

from . import evidence as data
from . import publish
from .forms import AnswerForm, ApprovalForm, NewVersionForm
from .models import Answer, SelfAssessment
from .provisions import BY_NUMBER, PROVISIONS

ORDER = [number for number, _, _ in PROVISIONS]  # 1.2 to 9.8, the Code's order


def _editable(assessment: SelfAssessment) -> None:
    if assessment.is_approved:
        raise PermissionDenied("This version has been approved by the governing body; start a new version to change it.")


def _list_url(year: int, key: str | None) -> str:
    if not key:
        return ""
    try:
        return reverse("reports:cases", args=[year, key])
    except NoReverseMatch:
        return ""


@staff_view
def index(request):
    return render(request, "selfassessment/index.html", {
        "assessments": SelfAssessment.objects.all(),
        "can_edit": getattr(request.user, "can_manage_cases", False),
    })


@staff_view
@require_http_methods(["GET", "POST"])
def new(request):
    require_manage(request.user)
    latest = SelfAssessment.objects.first()
    year = periods.last_complete_year(timezone.localdate())
    initial = {"title": f"Self-assessment against the Complaint Handling Code {periods.year_label(year)}", "year": year}
    form = NewVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = SelfAssessment.start(title=form.cleaned_data["title"], year=form.cleaned_data["year"],
                                          user=request.user, previous=latest)
        messages.success(request, f"Version {assessment.version} started" + (f", with the answers of version {latest.version}." if latest else "."))
        return redirect("selfassessment:detail", assessment.pk)
    return render(request, "selfassessment/new.html", {"form": form, "latest": latest},
                  status=400 if form.errors else 200)


@staff_view
def detail(request, pk):
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    answers = assessment.answers_by_number()
    found = data.evidence_for(assessment.year)
    sections = []
    for number, section, text in PROVISIONS:
        if not sections or sections[-1]["title"] != section:
            sections.append({"title": section, "rows": []})
        answer = answers.get(number)
        complies = answer.complies if answer else ""
        item = found.get(number)
        sections[-1]["rows"].append({
            "number": number, "text": text, "answer": answer,
            "complies_label": answer.get_complies_display() if answer and complies else "",
            "data": item, "list_url": _list_url(assessment.year, item.list_key if item else None),
            "warning": data.warning(item, complies),
        })
    warnings = sum(1 for s in sections for r in s["rows"] if r["warning"])
    unanswered = sum(1 for s in sections for r in s["rows"] if not (r["answer"] and r["answer"].complies))
    return render(request, "selfassessment/detail.html", {
        "assessment": assessment, "sections": sections, "label": periods.year_label(assessment.year),
        "can_edit": getattr(request.user, "can_manage_cases", False) and not assessment.is_approved,
        "can_manage": getattr(request.user, "can_manage_cases", False),
        "warnings": warnings, "unanswered": unanswered,
    })


@staff_view
@require_http_methods(["GET", "POST"])
def answer(request, pk, number):
    require_manage(request.user)
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    if number not in BY_NUMBER:
        raise Http404("No such provision.")
    _editable(assessment)
    item, _ = Answer.objects.get_or_create(assessment=assessment, provision=number)
    # Where this provision is among the Code's, for "save and next" and the way back.
    position = ORDER.index(number)
    previous = ORDER[position - 1] if position else None
    following = ORDER[position + 1] if position + 1 < len(ORDER) else None
    form = AnswerForm(request.POST or None, initial={"complies": item.complies, "evidence": item.evidence, "commentary": item.commentary})
    if request.method == "POST" and form.is_valid():
        for name in ("complies", "evidence", "commentary"):
            setattr(item, name, form.cleaned_data[name].replace("\r\n", "\n").strip())
        item.updated_by = request.user
        item.save()
        messages.success(request, f"Provision {number}: saved.")
        if request.POST.get("then") == "next" and following:
            return redirect("selfassessment:answer", pk, following)
        return redirect(reverse("selfassessment:detail", args=[pk]) + f"#p-{number}")
    found = data.evidence_for(assessment.year).get(number)
    _, section, text = BY_NUMBER[number]
    return render(request, "selfassessment/answer.html", {
        "assessment": assessment, "number": number, "section": section, "text": text, "form": form,
        "data": found, "list_url": _list_url(assessment.year, found.list_key if found else None),
        "label": periods.year_label(assessment.year),
        "position": position + 1, "total": len(ORDER), "previous": previous, "following": following,
    }, status=400 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def approve(request, pk):
    require_manage(request.user)
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    _editable(assessment)
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment.approve(on=form.cleaned_data["approved_on"], response=form.cleaned_data["governing_body_response"].strip())
        messages.success(request, f"Version {assessment.version}: approval recorded. It can no longer be changed.")
        return redirect("selfassessment:detail", pk)
    return render(request, "selfassessment/approve.html", {"assessment": assessment, "form": form},
                  status=400 if form.errors else 200)


DOWNLOADS = {
    # format: (content type, disposition). The web page opens in the browser (to check, then
    # save and publish); the PDF and the CSV are saved.
    "pdf": ("application/pdf", "attachment"),
    "csv": ("text/csv; charset=utf-8", "attachment"),
    "html": ("text/html; charset=utf-8", "inline"),
}


@staff_view
@require_http_methods(["GET", "HEAD"])
def download(request, pk, fmt):
    assessment = get_object_or_404(SelfAssessment, pk=pk)
    content_type, disposition = DOWNLOADS[fmt]
    if fmt == "pdf":
        body = publish.pdf(assessment)
    elif fmt == "csv":
        body = publish.csv_text(assessment).encode("utf-8")
    else:
        body = publish.html(assessment).encode("utf-8")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{publish.file_name(assessment, fmt)}"'
    return response

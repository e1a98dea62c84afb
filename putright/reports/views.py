"""Staff report pages: the figures with their definitions, the cases behind each figure, the
annual and quarterly reports (HTML, PDF) and their editable narrative.

Every role may read (oversight included); only managers and administrators edit the narrative.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from putright.cases.access import require_manage, staff_view
from putright.cases.models import Case

from . import periods, render as documents
from .models import ANNUAL_SECTIONS, QUARTER_SECTIONS, ReportNarrative, section_title, valid_key
from .queries import annual_figures, case_filters, quarter_figures

PAGE_SIZE = 25


def _year(year: int) -> int:
    try:
        periods.check_year(year)
    except ValueError:
        raise Http404("No such reporting year.") from None
    return year


def _quarter(request) -> int | None:
    q = request.GET.get("quarter")
    if q in (None, ""):
        return None
    if q not in ("1", "2", "3", "4"):
        raise Http404("No such quarter.")
    return int(q)


@staff_view
def index(request):
    today = timezone.localdate()
    first = Case.objects.aggregate(first=Min("received_on"))["first"]
    newest = periods.year_of(today)
    oldest = periods.year_of(first) if first else newest
    years = [{"year": y, "label": periods.year_label(y), "complete": y <= periods.last_complete_year(today)}
             for y in range(newest, oldest - 1, -1)]
    return render(request, "reports/index.html", {"years": years})


def _figures_page(request, year: int, quarter: int | None):
    figures = annual_figures(year) if quarter is None else quarter_figures(year, quarter)
    label = periods.year_label(year) + (f" quarter {quarter}" if quarter else "")
    keys = [f"q{quarter}.{k}" for k in QUARTER_SECTIONS] if quarter else list(ANNUAL_SECTIONS)
    texts = ReportNarrative.texts(year)
    return render(request, "reports/figures.html", {
        "year": year, "quarter": quarter, "label": label, "figures": figures,
        "tabs": documents.figure_tabs(documents.figure_rows(figures, year, quarter)),
        "narrative": [{"key": k, "title": section_title(k), "text": texts.get(k, "")} for k in keys],
        "can_edit": getattr(request.user, "can_manage_cases", False),
        "quarters": range(1, 5),
        "satisfaction": documents.satisfaction(periods.reporting_year(year) if quarter is None else periods.quarter(year, quarter)),
    })


@staff_view
def year(request, year):
    return _figures_page(request, _year(year), None)


@staff_view
def quarter(request, year, quarter):
    if quarter not in (1, 2, 3, 4):
        raise Http404("No such quarter.")
    return _figures_page(request, _year(year), quarter)


@staff_view
def cases(request, year, key):
    year = _year(year)
    quarter = _quarter(request)
    period = periods.reporting_year(year) if quarter is None else periods.quarter(year, quarter)
    definition = documents.definition(key)
    try:
        if key.startswith("satisfaction."):  # satisfaction.total or satisfaction.<rating 1-5>
            rating = key.split(".", 1)[1]
            if rating not in ("total", "1", "2", "3", "4", "5"):
                raise KeyError(key)
            queryset = documents.satisfaction_cases(period, None if rating == "total" else int(rating))
            definition = documents.SATISFACTION_DEFINITION
        else:
            queryset = case_filters(year, key, quarter=quarter)
    except (KeyError, ValueError):
        raise Http404("No list of cases for that figure.") from None
    queryset = queryset.select_related("service_area").order_by("received_on", "reference")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    label = periods.year_label(year) + (f" quarter {quarter}" if quarter else "")
    back = reverse("reports:year", args=[year]) if quarter is None else reverse("reports:quarter", args=[year, quarter])
    return render(request, "reports/cases.html", {
        "year": year, "quarter": quarter, "key": key, "label": label, "page": page,
        "definition": definition, "back_url": back,
        "figure": "Satisfaction survey: " + ("all answers" if key == "satisfaction.total" else f"answered {key.split('.', 1)[1]}")
        if key.startswith("satisfaction.") else documents.figure_label(key),
        "query": f"quarter={quarter}" if quarter else "",
    })


def _document(request, html: str, name: str, as_pdf: bool):
    if not as_pdf:
        return HttpResponse(html)
    response = HttpResponse(documents.pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@staff_view
def annual_report(request, year, fmt="html"):
    year = _year(year)
    label = periods.year_label(year)
    ways_back = [] if fmt == "pdf" else [
        (f"Back to the figures {label}", reverse("reports:year", args=[year])),
        ("All reports", reverse("reports:index")),
        ("Download as PDF", reverse("reports:annual-report-pdf", args=[year])),
    ]
    html = documents.annual_html(year, ways_back=ways_back)
    return _document(request, html, f"complaints-annual-report-{label.replace('/', '-')}", fmt == "pdf")


@staff_view
def quarter_report(request, year, quarter, fmt="html"):
    year = _year(year)
    if quarter not in (1, 2, 3, 4):
        raise Http404("No such quarter.")
    label = f"{periods.year_label(year)} quarter {quarter}"
    ways_back = [] if fmt == "pdf" else [
        (f"Back to the figures {label}", reverse("reports:quarter", args=[year, quarter])),
        ("All reports", reverse("reports:index")),
        ("Download as PDF", reverse("reports:quarter-report-pdf", args=[year, quarter])),
    ]
    html = documents.quarter_html(year, quarter, ways_back=ways_back)
    return _document(request, html, f"complaints-board-report-{year}-q{quarter}", fmt == "pdf")


@staff_view
@require_http_methods(["GET", "POST"])
def narrative(request, year, section):
    year = _year(year)
    require_manage(request.user)
    if not valid_key(section):
        raise Http404("No such section.")
    item = ReportNarrative.objects.filter(year=year, section=section).first()
    back = reverse("reports:year", args=[year])
    if section.startswith("q"):
        back = reverse("reports:quarter", args=[year, int(section[1])])
    error = ""
    text = item.text if item else ""
    if request.method == "POST":
        text = request.POST.get("text", "").replace("\r\n", "\n").strip()
        if len(text) > 20000:
            error = "Keep the section under 20,000 characters."
        else:
            ReportNarrative.objects.update_or_create(year=year, section=section, defaults={"text": text, "updated_by": request.user})
            messages.success(request, f"{section_title(section)}: saved.")
            return redirect(back)
    return render(request, "reports/narrative.html", {
        "year": year, "label": periods.year_label(year), "section": section, "title": section_title(section),
        "text": text, "error": error, "back_url": back, "item": item,
    }, status=400 if error else 200)

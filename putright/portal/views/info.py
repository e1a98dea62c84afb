"""What the Code says residents must be told (3.4–3.7, 8.2): how to complain, the two stages
and their timescales, the Ombudsman, and the published reports."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from putright.cases.models import LandlordSettings
from putright.portal.models import PublishedReport
from putright.portal.views import page
from putright.rules.deadlines import STAGE_LIMITS


def how_to_complain(request):
    return page(request, "portal/info/how_to_complain.html", {"limits": STAGE_LIMITS})


def stages(request):
    return page(request, "portal/info/stages.html", {"stage1": STAGE_LIMITS[1], "stage2": STAGE_LIMITS[2]})


def ombudsman(request):
    return page(request, "portal/info/ombudsman.html", {"settings": LandlordSettings.load()})


def reports(request):
    return page(request, "portal/info/reports.html", {"reports": PublishedReport.objects.all()})


def report_file(request, pk: int):
    report = get_object_or_404(PublishedReport, pk=pk)
    if not report.file:
        raise Http404("No file for this report.")
    # Always a download, with a sandboxing policy: an HTML file shown inline on the site's own
    # origin could run script there (security finding, Low).
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response

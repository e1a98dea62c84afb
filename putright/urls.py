from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.templatetags.static import static
from django.urls import include, path
from django.http import HttpResponsePermanentRedirect

admin.site.site_header = "PutRight settings"
admin.site.site_title = "PutRight settings"
admin.site.index_title = "Settings and reference data"
admin.site.site_url = "/cases/"
# The admin signs in through the same page as everything else, second factor included.
admin.site.login = lambda request, extra_context=None: redirect_to_login(request.GET.get("next") or "/admin/")

urlpatterns = [
    path("", include("putright.accounts.urls")),
    path("sign-in/sso/", include("putright.sso.urls")),  # single sign-on (issue 14; 404 unless configured)
    path("cases/", include("putright.cases.urls")),
    path("letters/", include("putright.letters.urls")),
    path("admin/", admin.site.urls),
    path("account/two-factor/", include("putright.twofactor.urls")),
    path("access-log/", include("putright.audit.urls")),
    path("ombudsman/", include("putright.ombudsman.urls")),
    path("governance/", include("putright.governance.urls")),
    path("learning/", include("putright.learning.urls")),
    path("residents/", include("putright.residents.urls")),
    path("reports/", include("putright.reports.urls")),
    path("self-assessment/", include("putright.selfassessment.urls")),
    path("privacy/", include("putright.privacy.urls")),
    path("hazards/", include("putright.hazards.urls")),
    path("report-damp-or-mould/", include("putright.hazards.portal_urls")),  # residents: Awaab's Law
    path("api/", include("putright.api.urls")),
    path("mailbox/", include("putright.mailbox.urls")),
    path("report-a-problem/", include("putright.triage.urls")),  # residents: report a problem (triage)
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("putright/favicon.svg"))),
    # Last: the public portal owns the site root ("/") and its own short paths.
    path("", include("putright.portal.urls")),
]

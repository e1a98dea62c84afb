from django.urls import path

from . import portal

app_name = "hazards-portal"

urlpatterns = [
    path("", portal.report_damp, name="report"),
    path("sent/", portal.sent, name="sent"),
]

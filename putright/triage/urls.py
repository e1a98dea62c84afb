from django.urls import path

from putright.triage import portal

app_name = "triage"
urlpatterns = [
    path("", portal.report, name="report"),
    path("choose/", portal.choose, name="choose"),
    path("sorting-it-out/", portal.request_only, name="request"),
]

from django.urls import path

from putright.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/q<int:quarter>/", views.quarter, name="quarter"),
    path("<int:year>/cases/<path:key>/", views.cases, name="cases"),
    path("<int:year>/annual-report/", views.annual_report, name="annual-report"),
    path("<int:year>/annual-report.pdf", views.annual_report, {"fmt": "pdf"}, name="annual-report-pdf"),
    path("<int:year>/q<int:quarter>/board-report/", views.quarter_report, name="quarter-report"),
    path("<int:year>/q<int:quarter>/board-report.pdf", views.quarter_report, {"fmt": "pdf"}, name="quarter-report-pdf"),
    path("<int:year>/narrative/<str:section>/", views.narrative, name="narrative"),
]

from django.urls import path

from putright.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/provisions/<str:number>/", views.answer, name="answer"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/download.pdf", views.download, {"fmt": "pdf"}, name="download-pdf"),
    path("<int:pk>/download.csv", views.download, {"fmt": "csv"}, name="download-csv"),
    path("<int:pk>/download.html", views.download, {"fmt": "html"}, name="download-html"),
]

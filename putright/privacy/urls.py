from django.urls import path

from . import retention_page, views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("retention/", retention_page.retention, name="retention"),
    path("requests/<int:rid>/", views.request_detail, name="request"),
    path("requests/<int:rid>/<str:step>/", views.request_step, name="step"),
    path("residents/<int:pk>/requests/new/", views.request_new, name="new"),
    path("residents/<int:pk>/subject-access.zip", views.subject_access_download, name="download"),
]

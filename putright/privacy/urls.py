from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:rid>/", views.request_detail, name="request"),
    path("requests/<int:rid>/<str:step>/", views.request_step, name="step"),
    path("residents/<int:pk>/requests/new/", views.request_new, name="new"),
    path("residents/<int:pk>/subject-access.zip", views.subject_access_download, name="download"),
]

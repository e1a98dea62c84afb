from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:slug>/", views.step, name="step"),
    path("raise/<str:reference>/", views.raise_hazard, name="raise"),
]

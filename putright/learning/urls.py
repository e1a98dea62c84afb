from django.urls import path

from putright.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.improvement_list, name="list"),
    path("improvements/new/", views.improvement_new, name="improvement-new"),
    path("improvements/<int:pk>/", views.improvement, name="improvement"),
    path("case/<str:reference>/", views.record, name="record"),
]

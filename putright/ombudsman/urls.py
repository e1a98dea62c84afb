from django.urls import path

from putright.ombudsman import views

app_name = "ombudsman"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.new_case, name="new"),
    path("reviews/", views.reviews, name="reviews"),
    path("exceptional/", views.exceptional_list, name="exceptional"),
    path("exceptional/new/", views.exceptional_new, name="exceptional-new"),
    path("exceptional/<int:pk>/", views.exceptional_edit, name="exceptional-edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.step, name="step"),
]

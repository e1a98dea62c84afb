from django.urls import path

from putright.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/provisions/<str:number>/", views.answer, name="answer"),
    path("<int:pk>/approve/", views.approve, name="approve"),
]

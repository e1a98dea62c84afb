from django.urls import path

from putright.sso import views

app_name = "sso"
urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
]

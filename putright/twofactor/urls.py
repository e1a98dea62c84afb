from django.urls import path

from putright.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("set-up/", views.set_up, name="set-up"),
    path("", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
]

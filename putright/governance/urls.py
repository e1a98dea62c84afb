from django.urls import path

from putright.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("appoint/", views.appoint, name="appoint"),
    path("receipt/", views.receipt, name="receipt"),
]

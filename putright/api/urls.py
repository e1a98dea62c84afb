from django.urls import path

from putright.api.app import api

urlpatterns = [path("v1/", api.urls)]

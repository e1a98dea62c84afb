"""A URL that fails, for the test that looks for a 500's traceback in the log."""

from django.urls import include, path


def broken(request):
    raise ZeroDivisionError("a deliberate failure for the log test")


urlpatterns = [path("broken/", broken), path("", include("putright.urls"))]

"""Views that fail on purpose, mounted beside the real site, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from yiwang.config.urls import urlpatterns as site


def crash(request):
    raise RuntimeError("on purpose")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("on purpose")


urlpatterns = [
    path("boom/500/", crash),
    path("boom/403/", forbidden),
    path("boom/400/", suspicious),
    *site,
]

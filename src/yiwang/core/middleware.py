"""Pages answer a DomainError the way the API does: one handler, the same status, the site's style."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError, ValidationFailed


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        template = "404.html" if exception.status == 404 else "error.html"
        return render(request, template, {"error": exception}, status=exception.status)


class NulByteGuardMiddleware:
    """Refuse a NUL character anywhere in the path or parameters before it reaches a query.

    PostgreSQL cannot store or compare text holding NUL and raises instead of matching nothing; SQLite
    accepts it. Refusing it here keeps both databases answering bad input the same way: 422, naming the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [name for name, values in request.GET.lists() if any("\x00" in v for v in [name, *values])]
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            bad += [name for name, values in request.POST.lists() if any("\x00" in v for v in [name, *values])]
        if "\x00" in request.path:
            bad.append("path")
        if not bad:
            return self.get_response(request)
        error = ValidationFailed(fields={name.replace("\x00", "\\0"): [_("含有不允许的字符（NUL）")] for name in bad})
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=error.status)
        return render(request, "error.html", {"error": error}, status=error.status)

"""Pages answer a DomainError the way the API does: one handler, the same status, the site's style; and a
request body too large is refused before any of it is read."""

import io

from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError, ValidationFailed
from .storage import request_body_limit


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413
    default_message = gettext_lazy("提交的内容过大")


class BodyLimitMiddleware:
    """Refuse a request body over core.storage.request_body_limit() from its Content-Length, before anything
    reads it: 413 in the API's error shape under /api/, a Chinese page elsewhere.

    A chunked body has no length to check: up to one byte past the limit of it is read here (the WSGI server
    marks it complete with wsgi.input_terminated), refused if longer, else handed on with its length, which
    Django needs to read it at all. First in MIDDLEWARE: the NUL guard and CSRF check read the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        limit = request_body_limit(content_type=request.content_type, api=api)
        length = request.META.get("CONTENT_LENGTH")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length:
            try:
                too_large = int(length) > limit
            except ValueError:
                too_large = False  # Django reads an unparseable length as no body at all
        elif chunked and request.META.get("wsgi.input_terminated"):
            body = request.META["wsgi.input"].read(limit + 1)
            too_large = len(body) > limit
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        else:
            too_large = False
        if not too_large:
            return self.get_response(request)
        mb = round(limit / (1024 * 1024), 1)
        error = PayloadTooLarge(_("提交的内容过大：不得超过 %(mb)s MB") % {"mb": mb}, limit=limit)
        if api:
            return JsonResponse(error.as_dict(), status=error.status)
        return HttpResponse(render_to_string("413.html", {"error": error}), status=error.status)


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

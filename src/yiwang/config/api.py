"""/api/v1: one NinjaAPI, each app's router mounted under it, every error in one JSON shape."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yiwang.catalog.api import router as catalog_router
from yiwang.core.errors import DomainError, NotFound, ValidationFailed
from yiwang.org.api import router as org_router

api = NinjaAPI(
    title="一网通办 API",
    version="1",
    description='yiwang 一体化政务服务平台 · 开放接口。错误统一为 {"error": {"code", "message", "fields"?}}。',
    urls_namespace="api",
)
api.add_router("/", org_router)
api.add_router("/", catalog_router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return domain_error(request, NotFound())


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in {"body", "query", "path", "payload"}]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return domain_error(request, ValidationFailed(fields=fields))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"error": {"code": "unauthenticated", "message": _("请先登录")}}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(
        request, {"error": {"code": f"http_{exc.status_code}", "message": str(exc)}}, status=exc.status_code
    )

"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2): every answer in JSON or XML by the
path's extension, with the standard's field names; errors in its shape, a list of {code, description}."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from yiwang.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.urls import public_url
from yiwang.hotline.models import WorkOrder

from . import selectors, services

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+08:00"
MIME = {"json": "application/json", "xml": "text/xml"}
# The element each list's items take in XML, by the list's own element (the standard's XML examples).
ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _xml(parent: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _xml(ElementTree.SubElement(parent, key), item)
    elif isinstance(value, list):
        for item in value:
            _xml(ElementTree.SubElement(parent, ITEM[parent.tag]), item)
    elif value is None:
        return
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = str(value)


def _answer(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(value, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    element = ElementTree.Element(root)
    _xml(element, value)
    body = ElementTree.tostring(element, encoding="unicode", xml_declaration=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _answer(fmt, "errors", [{"code": status, "description": description}], status=status)


def _domain_errors(view):
    """A domain refusal in the standard's error shape: 400 for bad input, 403 for a bad key, 404 for nothing."""

    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except ValidationFailed as refused:
            problems = "; ".join(f"{name}: {' '.join(map(str, texts))}" for name, texts in refused.fields.items())
            return _error(fmt, 400, problems or str(refused))
        except PermissionDenied as refused:
            return _error(fmt, 403, str(refused))
        except NotFound as refused:
            return _error(fmt, 404, str(refused) or _("未找到"))
        except DomainError as refused:
            return _error(fmt, 400, str(refused))

    wrapped.__name__ = view.__name__
    return wrapped


@dataclass(frozen=True)
class _Rendering:
    """What every row of one answer shares, looked up once: each status in the caller's words
    (WorkOrder.caller_status) in the request's language, and the time zone its times are written in."""

    notes: dict[str, str]
    zone: dt.tzinfo

    @classmethod
    def current(cls) -> "_Rendering":
        notes = {status: str(WorkOrder(status=status).caller_status) for status in WorkOrder.Status.values}
        return cls(notes, timezone.get_current_timezone())

    def iso(self, moment: dt.datetime | None) -> str | None:
        return moment.astimezone(self.zone).isoformat(timespec="seconds") if moment else None

    def request(self, row: dict) -> dict:
        public = not row["confidential"]
        return {
            "service_request_id": row["number"],
            "status": "closed" if row["status"] == WorkOrder.Status.CLOSED else "open",
            "status_notes": self.notes[row["status"]],
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": row["description"] if public else "",
            "agency_responsible": row["agency"] or "",
            "service_notice": "",
            "requested_datetime": self.iso(row["created_at"]),
            "updated_datetime": self.iso(row["updated"] or row["created_at"]),
            "expected_datetime": self.iso(row["reply_due"]),
            "address": row["address"] if public else "",
            "address_id": "",
            "zipcode": "",
            "lat": float(row["latitude"]) if public and row["latitude"] is not None else None,
            "long": float(row["longitude"]) if public and row["longitude"] is not None else None,
            "media_url": "",
        }


@require_GET
@_domain_errors
def discovery(request, *, fmt: str):
    return _answer(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("12345 政务服务便民热线"),
            "key_service": _("接口密钥由各区 12345 中心在管理后台签发"),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": public_url(reverse("open311:root")),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": list(MIME.values()),
                }
            ],
        },
    )


@require_GET
@_domain_errors
def service_list(request, *, fmt: str):
    return _answer(
        fmt,
        "services",
        [
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": category.name,
                "metadata": True,
                "type": "batch",
                "keywords": "",
                "group": category.parent.name if category.parent else "",
            }
            for category in selectors.service_list()
        ],
    )


@require_GET
@_domain_errors
def service_definition(request, code: str, *, fmt: str):
    category = selectors.service(code)
    kinds = [{"key": kind.value, "name": kind.label} for kind in WorkOrder.Kind if kind in services.POSTABLE_KINDS]
    confidential = [{"key": "false", "name": _("可以公开")}, {"key": "true", "name": _("保密")}]
    attributes = [
        {
            "variable": True,
            "code": services.KIND_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("诉求类型，默认为投诉"),
            "order": 1,
            "description": _("诉求类型"),
            "values": kinds,
        },
        {
            "variable": True,
            "code": services.CONFIDENTIAL_ATTRIBUTE,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("保密的诉求不公开内容和地点"),
            "order": 2,
            "description": _("是否保密"),
            "values": confidential,
        },
    ]
    return _answer(
        fmt,
        "service_definition",
        {"service_code": category.code, "attributes": attributes},
    )


def _moment(request, name: str) -> dt.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    found = parse_datetime(raw.replace(" ", "+"))
    if found is None:
        raise ValidationFailed(fields={name: [_("时间格式应为 W3C 格式，如 2026-11-01T00:00:00+08:00")]})
    return found if timezone.is_aware(found) else timezone.make_aware(found)


def _listed(request, name: str) -> list[str]:
    return [part.strip() for part in request.GET.get(name, "").split(",") if part.strip()]


def _whole(request, name: str, default: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ValidationFailed(fields={name: [_("%(name)s 应为正整数") % {"name": name}]})
    return int(raw)


def _bbox(request) -> tuple[float, float, float, float] | None:
    raw = _listed(request, "bbox")
    if not raw:
        return None
    try:
        west, south, east, north = (float(part) for part in raw)
    except ValueError:
        raise ValidationFailed(fields={"bbox": [_("bbox 应为 西经,南纬,东经,北纬 四个数")]}) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationFailed(fields={"bbox": [_("bbox 应为 西经,南纬,东经,北纬 四个数")]})
    return west, south, east, north


def _coordinate(request, name: str, limit: int) -> Decimal | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed(fields={name: [_("坐标应为数字")]}) from None
    if not value.is_finite() or abs(value) > limit:
        raise ValidationFailed(fields={name: [_("坐标超出范围")]})
    return value.quantize(Decimal("0.000001"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_domain_errors
def request_list(request, *, fmt: str):
    if request.method == "POST":
        return _post(request, fmt)
    statuses = _listed(request, "status")
    if set(statuses) - {"open", "closed"}:
        raise ValidationFailed(fields={"status": [_("status 只能是 open 或 closed")]})
    found = selectors.requests(
        numbers=_listed(request, "service_request_id"),
        service_codes=_listed(request, "service_code"),
        statuses=statuses,
        start=_moment(request, "start_date"),
        end=_moment(request, "end_date"),
        bbox=_bbox(request),
        jurisdiction=request.GET.get("jurisdiction_id", "").strip(),
        page=_whole(request, "page", 1),
        page_size=_whole(request, "page_size", selectors.MAX_RESULTS),
        now=timezone.now(),
    )
    rendering = _Rendering.current()
    return _answer(fmt, "service_requests", [rendering.request(row) for row in found])


def _post(request, fmt: str) -> HttpResponse:
    data = request.POST
    attributes = {
        key[len("attribute[") : -1]: value
        for key, value in data.items()
        if key.startswith("attribute[") and key.endswith("]")
    }
    made = services.request_submit(
        secret=data.get("api_key", ""),
        service_code=data.get("service_code", ""),
        description=data.get("description", ""),
        latitude=_coordinate(request, "lat", 90),
        longitude=_coordinate(request, "long", 180),
        address=data.get("address_string", ""),
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        phone=data.get("phone", ""),
        attributes=attributes,
    )
    notice = _("查询码 %(code)s：可在 12345 网站凭编号和查询码查看办理进度") % {"code": made.order.query_code}
    return _answer(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": made.order.number,
                "token": str(made.token),
                "service_notice": notice,
                "account_id": "",
            }
        ],
        status=201,
    )


@require_GET
@_domain_errors
def request_detail(request, number: str, *, fmt: str):
    return _answer(fmt, "service_requests", [_Rendering.current().request(selectors.request(number))])


@require_GET
@_domain_errors
def token(request, token: str, *, fmt: str):
    made = selectors.submission(token)
    return _answer(fmt, "service_requests", [{"service_request_id": made.order.number, "token": str(made.token)}])

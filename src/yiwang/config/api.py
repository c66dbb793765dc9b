"""/api/v1: one NinjaAPI, each app's router mounted under it, every error in one JSON shape."""

import re

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yiwang.cases.api import router as cases_router
from yiwang.catalog.api import router as catalog_router
from yiwang.coordination.api import router as coordination_router
from yiwang.core.errors import DomainError, NotFound, ValidationFailed
from yiwang.credit.api import router as credit_router
from yiwang.insights.api import router as insights_router
from yiwang.licences.api import router as licences_router
from yiwang.org.api import router as org_router
from yiwang.registry.api import router as registry_router
from yiwang.supervision.api import router as supervision_router

# Query and path parameters the routers leave undescribed, as the docs page shows them (Swagger UI prints the
# description beside the name; its own buttons and headings come with the bundle and stay as they are).
PARAMETERS = {
    "limit": "每页条数",
    "offset": "跳过的条数（分页）",
    "code": "编码",
    "parent": "上级行政区划代码",
    "level": "层级",
    "region": "行政区划代码",
    "kind": "类别",
    "department_kind": "部门类别编码（如 SAMR 市场监督管理局）",
    "audience": "服务对象：person 个人办事，enterprise 法人办事",
    "topic": "主题",
    "version": "版本号，缺省为现行版本",
    "Idempotency-Key": "幂等键：同一键再次提交返回第一次的结果",
    "task_id": "任务编号",
    "notice_id": "告知编号",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


class YiwangAPI(NinjaAPI):
    """The OpenAPI document in Chinese wherever the code left ninja's English defaults."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                _in_chinese(operation)
        return schema


def _in_chinese(operation: dict) -> None:
    # ninja makes a summary from the function's name ("Entity Read"); the docstring says it in Chinese.
    if not CJK.search(operation.get("summary", "")) and operation.get("description"):
        operation["summary"] = operation["description"].strip().splitlines()[0].rstrip("。")
    for parameter in operation.get("parameters", []):
        label = PARAMETERS.get(parameter["name"])
        if label and not parameter.get("description"):
            parameter["description"] = label
            parameter.get("schema", {})["title"] = label


api = YiwangAPI(
    title="一网通办 API",
    version="1",
    description=(
        "一体化政务服务平台开放接口：事项目录、办件、审批任务、电子证照核验、信用、双告知与数据共享。"
        "需要登录的接口用 API 令牌（`Authorization: Bearer …`，由运维以 `yiwang token create` 签发）"
        '或已登录的会话。出错时一律返回 {"error": {"code", "message", "fields"?}}，fields 按字段列出中文错误说明。'
    ),
    urls_namespace="api",
)
api.add_router("/", org_router)
api.add_router("/", catalog_router)
api.add_router("/", cases_router)
api.add_router("/", licences_router)
api.add_router("/sharing", registry_router)
api.add_router("/", credit_router)
api.add_router("/", coordination_router)
api.add_router("/", supervision_router)
api.add_router("/", insights_router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return domain_error(request, NotFound())


# pydantic's error types, said in Chinese; the context fills the limits ({le}, {max_length} …).
INPUT_ERRORS = {
    "missing": gettext_lazy("此项为必填项"),
    "int_parsing": gettext_lazy("必须是整数"),
    "int_from_float": gettext_lazy("必须是整数"),
    "float_parsing": gettext_lazy("必须是数字"),
    "bool_parsing": gettext_lazy("必须是 true 或 false"),
    "string_type": gettext_lazy("必须是文本"),
    "less_than_equal": gettext_lazy("不得大于 {le}"),
    "less_than": gettext_lazy("必须小于 {lt}"),
    "greater_than_equal": gettext_lazy("不得小于 {ge}"),
    "greater_than": gettext_lazy("必须大于 {gt}"),
    "string_too_long": gettext_lazy("长度不得超过 {max_length} 个字符"),
    "string_too_short": gettext_lazy("长度不得少于 {min_length} 个字符"),
    "literal_error": gettext_lazy("不是可选的值"),
    "enum": gettext_lazy("不是可选的值"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
    "string_pattern_mismatch": gettext_lazy("格式不正确或含有不允许的字符"),
}


def _input_message(err: dict) -> str:
    template = str(INPUT_ERRORS.get(err.get("type", ""), gettext_lazy("格式不正确")))
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return template


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in {"body", "query", "path", "payload", "header", "cookie"}]
        fields.setdefault(".".join(loc) or "__all__", []).append(_input_message(err))
    return domain_error(request, ValidationFailed(fields=fields))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"error": {"code": "unauthenticated", "message": _("请先登录")}}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # ninja's only 400: a body that is not JSON. Bad input like any other, so 422 in the declared error shape.
        return domain_error(request, ValidationFailed(fields={"__all__": [str(INPUT_ERRORS["json_invalid"])]}))
    return api.create_response(
        request, {"error": {"code": f"http_{exc.status_code}", "message": str(exc)}}, status=exc.status_code
    )

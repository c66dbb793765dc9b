"""The one family of domain errors. Each has a stable code; the API and the pages render them the same way."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("请求无法处理")

    def __init__(self, message=None, *, fields: dict[str, list[str]] | None = None, subcode: str = "", **details):
        self.message = str(message or self.default_message)
        # Which refusal of its kind this is (credit_denies_tolerance, material_missing, …), for a client to act on
        # without parsing the message; stable like `code`.
        self.subcode = subcode
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.details = details
        super().__init__(self.message)

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.subcode:
            body["subcode"] = self.subcode
        if self.fields:
            body["fields"] = self.fields
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422
    default_message = _("提交的数据有误，请按提示修改")


class NotFound(DomainError):
    """Also what a forbidden row answers: nobody learns that a row they may not see exists."""

    code = "not_found"
    status = 404
    default_message = _("未找到，或您无权查看")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("当前状态下不能进行此操作")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("数据已被他人修改，请刷新后重试")


class PrerequisiteCycle(DomainError):
    code = "prerequisite_cycle"
    status = 409
    default_message = _("前置条件形成循环（互为前置）")


class ImmutableVersion(DomainError):
    code = "immutable_version"
    status = 409
    default_message = _("已发布的版本不可修改，请新建草稿")


class PermissionDenied(DomainError):
    """For actions on rows the actor can see but may not change (a reviewer editing the catalog)."""

    code = "permission_denied"
    status = 403
    default_message = _("您没有执行此操作的权限")

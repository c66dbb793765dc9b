"""/api/v1/sharing: department systems read the four stores with OAuth2 client credentials.

A system gets a token at /o/token/ (grant_type=client_credentials, scope=sharing) and sends it as a bearer
token. Every
request states its purpose in the `X-Purpose` header: UTF-8, percent-encoded (`quote("食品经营许可审查")`),
2 to 200 characters. Each request counts against the client's per-minute allowance (429 when spent), then
the purpose is checked (422 without one), then the client's scope: a store the client is not granted answers
403 before anything about the subject is looked up, so the refusal says nothing about whether the subject
exists. A granted store returns only the fields the client's scope names. Every outcome, refusals included,
is written to the access log the data subject reads on their own page.
"""

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Annotated
from urllib.parse import unquote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Header, Path, Router, Schema, Status
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken, Application

from yiwang.core.api_schemas import Text, answers
from yiwang.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

from . import selectors, services
from .models import AccessLog, SharingClient

PURPOSE_MIN, PURPOSE_MAX = 2, 200
# The OAuth2 scope a token must carry to reach this API at all; which stores and fields it then reads is the
# SharingClient's own scope.
SHARING_SCOPE = "sharing"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("请求过于频繁，请稍后再试")


class SharingClientAuth(HttpBearer):
    """A live client-credentials access token whose application is an active sharing client."""

    def authenticate(self, request, token):
        access = (
            AccessToken.objects.select_related("application__sharing_client")
            .filter(token_checksum=hashlib.sha256(token.encode()).hexdigest())
            .first()
        )
        if access is None or not access.is_valid([SHARING_SCOPE]):
            return None
        application = access.application
        if application.authorization_grant_type != Application.GRANT_CLIENT_CREDENTIALS:
            return None
        client = getattr(application, "sharing_client", None)
        return client if client is not None and client.active else None


router = Router(tags=["数据共享"], auth=SharingClientAuth())

Uscc = Annotated[Text, Path(max_length=18, description="统一社会信用代码")]
# Read leniently (absent is None) so that a request without a purpose still reaches the view and is logged as
# refused; the OpenAPI document says what a client must send: the header, always.
Purpose = Annotated[str | None, Header(alias="X-Purpose", include_in_schema=False)]
PURPOSE_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "X-Purpose",
            "required": True,
            "description": "本次查询的用途（UTF-8 百分号编码，2–200 字），必填",
            "schema": {"type": "string", "minLength": PURPOSE_MIN},
        }
    ]
}


class EntityOut(Schema):
    uscc: str | None = None
    name: str | None = None
    entity_type: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    region: str | None = Field(None, description="登记机关所在区划代码")
    business_scope: list[str] | None = None
    status: str | None = None
    registered_at: dt.datetime | None = None


class LicenceOut(Schema):
    number: str | None = None
    licence_type: str | None = None
    licence_type_name: str | None = None
    department: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = Field(None, description="空为长期有效")
    status: str | None = None
    status_reason: str | None = None
    data: dict | None = None


class CreditOut(Schema):
    list_kind: str | None = Field(None, description="red 红名单 / abnormal 经营异常名录 / serious 严重违法失信名单")
    department: str | None = None
    basis: str | None = None
    reason: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    repaired_at: dt.datetime | None = Field(None, description="信用修复时间")


class ApprovalOut(Schema):
    case: str | None = None
    item: str | None = None
    item_name: str | None = None
    department: str | None = None
    decided_at: dt.datetime | None = None
    granted: bool | None = None
    decision_reasons: str | None = None
    result_data: dict | None = None


class LicencesOut(Schema):
    uscc: str
    items: list[LicenceOut]


class CreditListOut(Schema):
    uscc: str
    items: list[CreditOut]


class ApprovalsOut(Schema):
    uscc: str
    items: list[ApprovalOut]


def _entity_row(e) -> dict:
    return {
        "uscc": e.uscc,
        "name": e.name,
        "entity_type": e.entity_type,
        "legal_representative": e.legal_representative,
        "address": e.address,
        "region": e.region.code if e.region_id else None,
        "business_scope": list(e.business_scope or []),
        "status": e.status,
        "registered_at": e.created_at,
    }


def _licence_row(licence) -> dict:
    return {
        "number": licence.number,
        "licence_type": licence.licence_type.code,
        "licence_type_name": licence.licence_type.name,
        "department": str(licence.department),
        "issued_on": licence.issued_on,
        "valid_until": licence.valid_until,
        "status": licence.status,
        "status_reason": licence.status_reason,
        "data": licence.data,
    }


def _credit_row(record) -> dict:
    return {
        "list_kind": record.list_kind,
        "department": str(record.department),
        "basis": record.basis,
        "reason": record.reason,
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "repaired_at": record.repaired_at,
    }


def _approval_row(case) -> dict:
    return {
        "case": case.number,
        "item": case.item.code,
        "item_name": case.item.name,
        "department": str(case.department),
        "decided_at": case.decided_at,
        "granted": case.granted,
        "decision_reasons": case.decision_reasons,
        "result_data": case.result_data,
    }


def _only(row: dict, fields: list[str]) -> dict:
    return {f: row[f] for f in fields}


def _purpose(raw: str | None) -> str:
    """The declared purpose, or "" when there is none usable. Percent-encoding is undone; a header sent as raw
    UTF-8 bytes (which WSGI hands over as latin-1) is read back as UTF-8."""
    if not raw:
        return ""
    text = unquote(raw)
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("latin-1").decode("utf-8")
    text = text.strip()
    if not PURPOSE_MIN <= len(text) <= PURPOSE_MAX or any(ord(c) < 32 for c in text):
        return ""
    return text


def _serve(request, store: str, uscc: str, raw_purpose: str | None, read: Callable) -> Status:
    client: SharingClient = request.auth
    purpose = _purpose(raw_purpose)

    def refuse(outcome: str, error: DomainError) -> Status:
        services.sharing_read_log(client=client, store=store, subject=uscc, purpose=purpose, outcome=outcome)
        return Status(error.status, error.as_dict())

    if not services.sharing_rate_take(client=client):
        return refuse(AccessLog.Outcome.RATE_LIMITED, RateLimited())
    if not purpose:
        message = _("请在 X-Purpose 请求头中说明本次查询的用途（UTF-8 百分号编码，2–200 字）")
        return refuse(AccessLog.Outcome.NO_PURPOSE, ValidationFailed(fields={"X-Purpose": [message]}))
    fields = client.fields_for(store)
    if not fields:
        return refuse(AccessLog.Outcome.NO_SCOPE, PermissionDenied(_("本系统未获授权读取该库")))
    entity = selectors.entity_by_uscc(uscc)
    if entity is None:
        return refuse(AccessLog.Outcome.NOT_FOUND, NotFound())
    body = read(entity, fields)
    services.sharing_read_log(
        client=client, store=store, subject=uscc, purpose=purpose, outcome=AccessLog.Outcome.SERVED, fields=fields
    )
    return Status(200, body)


READ_ANSWERS = (401, 403, 404, 429)


@router.get(
    "/entities/{uscc}", response=answers(EntityOut, *READ_ANSWERS), exclude_unset=True, openapi_extra=PURPOSE_HEADER
)
def entity_read(request, uscc: Uscc, purpose: Purpose = None):
    """主体登记信息（仅返回授权字段）。"""
    return _serve(request, "entities", uscc, purpose, lambda e, fields: _only(_entity_row(e), fields))


def _listing(rows, to_row):
    """A store's rows for one entity, each cut down to the client's fields."""
    return lambda e, fields: {"uscc": e.uscc, "items": [_only(to_row(x), fields) for x in rows(e)]}


@router.get(
    "/entities/{uscc}/licences",
    response=answers(LicencesOut, *READ_ANSWERS),
    exclude_unset=True,
    openapi_extra=PURPOSE_HEADER,
)
def entity_licences(request, uscc: Uscc, purpose: Purpose = None):
    """主体持有的电子证照（证照库）。"""
    return _serve(request, "licences", uscc, purpose, _listing(selectors.entity_licences, _licence_row))


@router.get(
    "/entities/{uscc}/credit",
    response=answers(CreditListOut, *READ_ANSWERS),
    exclude_unset=True,
    openapi_extra=PURPOSE_HEADER,
)
def entity_credit(request, uscc: Uscc, purpose: Purpose = None):
    """主体的信用记录（信用库），含已修复、已移出的记录。"""
    return _serve(request, "credit", uscc, purpose, _listing(selectors.entity_credit, _credit_row))


@router.get(
    "/entities/{uscc}/approvals",
    response=answers(ApprovalsOut, *READ_ANSWERS),
    exclude_unset=True,
    openapi_extra=PURPOSE_HEADER,
)
def entity_approvals(request, uscc: Uscc, purpose: Purpose = None):
    """主体作为申请人的审批决定（审批库：准予与不予许可）。"""
    return _serve(request, "approvals", uscc, purpose, _listing(selectors.entity_approvals, _approval_row))

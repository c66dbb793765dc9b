"""/api/v1 operations of licences: public verification (no login), as the QR code's page offers."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Path, Query, Router, Schema

from yiwang.core.api_schemas import Text, answers

from . import selectors

router = Router(tags=["电子证照"])

LicenceNumber = Annotated[Text, Path(max_length=40, description="证照编号")]


class VerificationOut(Schema):
    status: Literal[
        "valid",
        "expired",
        "revoked",
        "annulled",
        "cancelled",
        "altered",
        "unknown_key",
        "revoked_key",
        "damaged",
        "unknown",
    ] = Field(
        description="unknown_key：签章密钥未经平台根密钥认证或签章时不在其有效期内；revoked_key：签章于密钥吊销之后"
    )
    message: str
    number: str
    type: str | None = None
    holder_name: str | None = Field(None, description="持证主体名称；自然人身份证号码已脱敏")
    holder_code: str | None = None
    department: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = Field(None, description="空表示长期有效")
    digest: str | None = Field(None, description="SM3 摘要（证照上印有）")
    status_changed_at: dt.datetime | None = None
    status_reason: str | None = None
    key_revoked_at: dt.datetime | None = Field(None, description="签章密钥的吊销时间：证照签于其前，仍有效但须留意")
    key_revocation_reason: str | None = None


class DigestQuery(Schema):
    digest: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$", description="证照上印的 SM3 摘要，可选")


@router.get(
    "/licences/{number}/verification",
    response=answers(VerificationOut),
    auth=None,
    summary="核验电子证照（无需登录）：有效 / 期满 / 吊销 / 撤销 / 注销 / 被篡改 / 密钥不可信 / 密钥已吊销 / 链接损坏 / 查无此证",
)
def verify(request, number: LicenceNumber, query: Query[DigestQuery]):
    result = selectors.licence_verify(number, digest=query.digest)
    body = {"status": result.status, "message": result.message, "number": number}
    if result.licence is not None and result.status != "altered":
        body.update(selectors.public_view(result.licence))
        body.update(status_changed_at=result.changed_at, status_reason=result.reason or None)
        body.update(key_revoked_at=result.key_revoked_at, key_revocation_reason=result.key_revocation_reason or None)
    return body

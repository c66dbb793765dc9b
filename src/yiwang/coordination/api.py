"""/api/v1 operations of coordination: a department's claim notices and claiming one, by session or API token."""

import datetime as dt
from typing import Annotated

from ninja import Path, Router, Schema
from ninja.pagination import paginate

from yiwang.core.api_schemas import BoundedPagination, answers
from yiwang.core.auth import session_or_token

from . import selectors, services

router = Router(tags=["双告知与审管联动"], auth=session_or_token)

NoticeId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class ClaimNoticeOut(Schema):
    id: int
    uscc: str
    entity: str
    department: str
    item: str
    item_name: str
    activities: list[str]
    issued_on: dt.date
    due_on: dt.date
    due_provisional: bool
    warning: str
    claimed_at: dt.datetime | None

    @staticmethod
    def resolve_uscc(obj):
        return obj.entity.uscc

    @staticmethod
    def resolve_entity(obj):
        return obj.entity.name

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name


@router.get("/claim-notices", response=answers(list[ClaimNoticeOut], 401), summary="双告知：职责范围内的认领通知")
@paginate(BoundedPagination)
def claim_notice_list(request):
    return selectors.claim_notices(request.auth).order_by("claimed_at", "due_on", "pk")


@router.post(
    "/claim-notices/{notice_id}/claim", response=answers(ClaimNoticeOut, 401, 403, 404, 409), summary="认领市场主体"
)
def claim_notice_claim(request, notice_id: NoticeId):
    notice = services.notice_claim(actor=request.auth, notice=selectors.claim_notice(request.auth, notice_id))
    return selectors.claim_notice(request.auth, notice.pk)

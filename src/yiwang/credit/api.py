"""/api/v1 operations of credit, for staff by session or API token: an entity's records in the actor's region,
and what the joint punishment / incentive rules say about it for an item at acceptance."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yiwang.core.api_schemas import BoundedPagination, Text, answers
from yiwang.core.auth import session_or_token

from . import selectors

router = Router(tags=["信用"], auth=session_or_token)

# GB 32100: 18 characters of digits and capitals without I, O, Z, S, V.
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


class RecordsQuery(Schema):
    uscc: str = Field(..., min_length=18, max_length=18, pattern=USCC_PATTERN, description="统一社会信用代码（18 位）")


class CheckQuery(Schema):
    uscc: str = Field(..., min_length=18, max_length=18, pattern=USCC_PATTERN, description="统一社会信用代码（18 位）")
    item: Text = Field(..., min_length=1, max_length=30, description="事项编码（一事一码）")


class CreditRecordOut(Schema):
    id: int
    uscc: str = Field(description="统一社会信用代码")
    entity: str = Field(description="市场主体名称")
    list_kind: str = Field(description="名单类别：red 红名单 / abnormal 经营异常名录 / serious 严重违法失信名单")
    list_kind_label: str = Field(description="名单类别（中文）")
    department: str = Field(description="认定部门")
    basis: str = Field(description="认定依据")
    reason: str = Field(description="列入事由")
    starts_on: dt.date = Field(description="列入日期")
    ends_on: dt.date | None = Field(description="移出日期（该日起不再适用）；空表示至信用修复或移出")
    in_force: bool = Field(description="今日是否有效（已开始、未移出、未修复）")
    repaired_at: dt.datetime | None = Field(description="信用修复时间")
    repair_reason: str = Field(description="信用修复理由")

    @staticmethod
    def resolve_uscc(obj):
        return obj.entity.uscc

    @staticmethod
    def resolve_entity(obj):
        return obj.entity.name

    @staticmethod
    def resolve_list_kind_label(obj):
        return obj.get_list_kind_display()

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_in_force(obj):
        return obj.in_force_on(timezone.localdate())


class RuleHitOut(Schema):
    rule: str = Field(description="规则编码")
    rule_name: str = Field(description="规则名称")
    effect: str = Field(
        description="措施：block 限制办理 / flag 人工审核 / fast_track 绿色通道 / deny_tolerance 不适用容缺受理和告知承诺"
    )
    effect_label: str = Field(description="措施（中文）")
    record_id: int = Field(description="命中的信用记录")
    list_kind: str = Field(description="名单类别")
    department: str = Field(description="认定部门")
    starts_on: dt.date = Field(description="列入日期")
    reason: str = Field(description="提示理由（含规则依据）")


class CreditCheckOut(Schema):
    uscc: str = Field(description="统一社会信用代码")
    entity: str = Field(description="市场主体名称")
    item: str = Field(description="事项编码")
    item_name: str = Field(description="事项名称")
    blocked: bool = Field(description="是否有限制办理的措施（受理时将被拒绝）")
    tolerance_allowed: bool = Field(description="是否仍可容缺受理、告知承诺")
    green_channel: bool = Field(description="是否走绿色通道（红名单主体优先办理）")
    hits: list[RuleHitOut] = Field(description="受理环节命中的联合奖惩规则")


@router.get(
    "/credit/records",
    response=answers(list[CreditRecordOut], 401),
    summary="信用记录：本辖区内某市场主体的信用记录（工作人员）",
)
@paginate(BoundedPagination)
def credit_records(request, query: Query[RecordsQuery]):
    return selectors.visible_records(request.auth).filter(entity__uscc=query.uscc).order_by("-starts_on", "-pk")


@router.get(
    "/credit/check",
    response=answers(CreditCheckOut, 401, 404),
    summary="信用核查：某市场主体办理某事项时，受理环节命中的联合奖惩规则（工作人员）",
)
def credit_check(request, query: Query[CheckQuery]):
    check = selectors.acceptance_check(request.auth, uscc=query.uscc, item_code=query.item)
    return {
        "uscc": check.entity.uscc,
        "entity": check.entity.name,
        "item": check.item.code,
        "item_name": check.item.name,
        "blocked": check.blocked,
        "tolerance_allowed": check.tolerance_allowed,
        "green_channel": check.green,
        "hits": [
            {
                "rule": h.rule.code,
                "rule_name": h.rule.name,
                "effect": h.effect,
                "effect_label": h.rule.get_effect_display(),
                "record_id": h.record.pk,
                "list_kind": h.record.list_kind,
                "department": str(h.record.department),
                "starts_on": h.record.starts_on,
                "reason": h.reason,
            }
            for h in check.hits
        ],
    }

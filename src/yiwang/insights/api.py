"""GET /api/v1/insights/indicators: the efficiency indicators of a scope and period, with their trend."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from yiwang.core.api_schemas import Text, answers
from yiwang.core.auth import session_or_token
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import can_do
from yiwang.core.plans import custom_plans

from . import selectors
from .indicators import INDICATORS, evaluate
from .periods import Period

router = Router(tags=["效能评价"], auth=session_or_token)


class IndicatorsQuery(Schema):
    period: Text = Field(..., max_length=10, description="统计周期：2026、2026-Q4、2026-11 或 2026-11-05（本地日期）")
    region: Text = Field("", max_length=12, description="区划代码：该区划及其下级")
    department: Text = Field("", max_length=40, description="部门编码（办件计入牵头部门）")
    item: Text = Field("", max_length=30, description="事项编码")
    center: int | None = Field(None, ge=1, le=2**31 - 1, description="政务服务中心 id")
    window: int | None = Field(None, ge=1, le=2**31 - 1, description="窗口 id")
    staff: Text = Field("", max_length=150, description="受理人员用户名")
    codes: Text = Field("", max_length=600, description="指标代码，逗号分隔；空为全部")


class IndicatorsOut(Schema):
    period: str
    start: dt.date
    end: dt.date = Field(description="不含")
    indicators: dict[str, float | int | None] = Field(description="比率为 0–1 之间的小数；无分母时为 null")
    counts: dict[str, float | int]
    trend: list[dict[str, float | int | str | None]] = Field(description="年、季按月，月按日")


@router.get(
    "/insights/indicators",
    response=answers(IndicatorsOut, 401, 404),
    summary="效能指标：某区划、部门、事项、中心、窗口或人员在某统计周期的指标及趋势（领导、效能监察、部门负责人）",
)
def indicators(request, query: Query[IndicatorsQuery]):
    if not can_do(request.auth, "insights_view"):
        raise NotFound()
    codes = [code.strip() for code in query.codes.split(",") if code.strip()] or None
    unknown = sorted(set(codes or ()) - set(INDICATORS))
    if unknown:
        raise ValidationFailed(
            _("未知的指标代码：%(codes)s") % {"codes": "、".join(unknown)}, subcode="indicator_unknown"
        )
    period = Period.parse(query.period)
    scope = selectors.scope_for(
        actor=request.auth,
        region=query.region,
        department=query.department,
        item=query.item,
        center=query.center,
        window=query.window,
        staff=query.staff,
    )
    with custom_plans():  # see insights.views.dashboard.reader_required
        counts = selectors.counts(actor=request.auth, scope=scope, period=period)
        trend = selectors.trend(actor=request.auth, scope=scope, period=period, codes=codes)
    return {
        "period": str(period),
        "start": period.start,
        "end": period.end,
        "indicators": evaluate(counts, codes),
        "counts": counts,
        "trend": trend,
    }

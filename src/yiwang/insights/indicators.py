"""The efficiency indicators, in one list: each a code (the API's), a name, and its formula over the daily
figures' counters. docs/indicators.md writes every formula out; a rate is a fraction between 0 and 1, None when
its denominator is zero (no case to measure is not 0%)."""

import dataclasses

from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    numerator: str
    # None: the indicator is the numerator itself, a count.
    denominator: str | None
    # What the indicator is: "rate" (0–1), "average" (a mean per case) or "count".
    kind: str
    # True when a lower value is better (跑动次数, 平均用时, 超期件数): rankings sort the other way.
    lower_is_better: bool = False

    def value(self, counts: dict) -> float | int | None:
        top = counts.get(self.numerator) or 0
        if self.denominator is None:
            return top
        bottom = counts.get(self.denominator) or 0
        if not bottom:
            return None
        return top / bottom


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator("online_rate", _("网办率"), "applied_online", "applied", "rate"),
        Indicator("full_online_rate", _("全程网办率"), "full_online", "applied", "rate"),
        Indicator("early_rate", _("提前办结率"), "decided_early", "decided", "rate"),
        Indicator("on_time_rate", _("按时办结率"), "decided_on_time", "decided", "rate"),
        Indicator("instant_rate", _("即办率"), "instant", "decided", "rate"),
        Indicator("avg_working_days", _("平均办理用时（工作日）"), "working_days", "decided", "average", True),
        Indicator("speedup_rate", _("提速率"), "speedup_sum", "speedup_cases", "rate"),
        Indicator("limit_compression_rate", _("承诺时限压缩率"), "compression_sum", "compression_cases", "rate"),
        Indicator("satisfaction_rate", _("满意率"), "ratings_good", "ratings", "rate"),
        Indicator("bad_rating_rectified_rate", _("差评整改率"), "bad_rectified", "ratings_bad", "rate"),
        Indicator("visits_avg", _("平均跑动次数"), "visits", "applied", "average", True),
        Indicator("zero_visit_rate", _("零跑动率"), "zero_visit", "applied", "rate"),
        Indicator("materials_waived_rate", _("减材料率"), "materials_waived", "materials_required", "rate"),
        Indicator("first_time_accepted_rate", _("一次受理率"), "accepted_first_time", "accepted", "rate"),
        Indicator("hall_conclusion_rate", _("中心直接办结比例"), "hall_concluded", "decided", "rate"),
        Indicator("overdue_count", _("超期办结件数"), "overdue", None, "count", True),
        Indicator("supervision_count", _("督办次数"), "supervised", None, "count", True),
    )
}


def evaluate(counts: dict, codes=None) -> dict[str, float | int | None]:
    """Every indicator (or those of `codes`) from summed counters, rounded where a fraction is."""
    counts = {**counts, "overdue": (counts.get("decided") or 0) - (counts.get("decided_on_time") or 0)}
    values = {}
    for code in codes or INDICATORS:
        value = INDICATORS[code].value(counts)
        values[code] = round(value, 6) if isinstance(value, float) else value
    return values

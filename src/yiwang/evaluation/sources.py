"""The sources a computed indicator reads, in one registry: each a code (what an Indicator row names), a Chinese
label, and a function of one subject over one period (a Reading) giving a fraction between 0 and 1, or None when
there is nothing to measure. docs/evaluation.md writes every formula out.

Three families:
  efficiency — every indicator of insights.indicators.INDICATORS under its own code. Rates are taken as they are
      (提速率 and 承诺时限压缩率 clipped to 0–1: a case slower than the statutory limit scores 0, not below);
      the lower-is-better ones are turned around so that 1 is best:
        avg_working_days   1 − 平均用时 ÷ 20 个工作日 (行政许可法第四十二条's default limit), at least 0;
        visits_avg         1 − 平均跑动次数 ÷ 2 (0 trips → 1, 最多跑一次 → ½, two or more → 0);
        overdue_count      1 − 超期办结件数 ÷ 办结件数 (the share decided in time, counted as 按时办结率 counts it);
        supervision_count  1 − 督办次数 ÷ 办结件数, at least 0 (督办 per case decided).
  online service — the five dimensions of the Shaanxi paper, from the catalog (sources_catalog.py) and the cases;
  coordination — the Shandong study's joint work, from tasks, notices and decisions (sources_coordination.py).
"""

import dataclasses
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from yiwang.catalog.models import DEFAULT_STATUTORY_DAYS
from yiwang.insights.indicators import INDICATORS

from . import sources_catalog as catalog
from . import sources_coordination as coordination
from .subjects import Reading, mean

# A 最多跑一次 case is half way; two trips or more score nothing.
VISITS_FOR_ZERO = 2


@dataclasses.dataclass(frozen=True)
class Source:
    code: str
    label: str
    family: str  # "efficiency" | "online_service" | "coordination"
    read: Callable[[Reading], float | None]


def _indicator(code: str) -> Callable[[Reading], float | None]:
    return lambda reading: reading.indicators[code]


def _turned(code: str, worst: float) -> Callable[[Reading], float | None]:
    """1 at zero, 0 at `worst` or more, in a straight line between."""

    def read(reading: Reading) -> float | None:
        value = reading.indicators[code]
        return None if value is None else 1 - value / worst

    return read


def _per_decided(counter: str) -> Callable[[Reading], float | None]:
    def read(reading: Reading) -> float | None:
        decided, count = reading.counts["decided"], reading.counts[counter]
        if not decided:
            return None if not count else 0.0
        return 1 - count / decided

    return read


def _overdue(reading: Reading) -> float | None:
    decided = reading.counts["decided"]
    return reading.counts["decided_on_time"] / decided if decided else None


def _effectiveness(reading: Reading) -> float | None:
    """在线服务成效度: 网办率 and 满意率 averaged, or the one of them there is data for."""
    return mean(
        [v for v in (reading.indicators["online_rate"], reading.indicators["satisfaction_rate"]) if v is not None]
    )


_EFFICIENCY_READERS = {
    "avg_working_days": _turned("avg_working_days", DEFAULT_STATUTORY_DAYS),
    "visits_avg": _turned("visits_avg", VISITS_FOR_ZERO),
    "overdue_count": _overdue,
    "supervision_count": _per_decided("supervised"),
}
_TURNED_LABELS = {
    "avg_working_days": _("平均办理用时（折算：1−用时÷20个工作日）"),
    "visits_avg": _("平均跑动次数（折算：1−次数÷2）"),
    "overdue_count": _("超期办结件数（折算：未超期办结的比例）"),
    "supervision_count": _("督办次数（折算：1−督办次数÷办结件数）"),
}


def _efficiency() -> list[Source]:
    found = []
    for code, indicator in INDICATORS.items():
        if indicator.lower_is_better or indicator.kind != "rate":
            found.append(Source(code, _TURNED_LABELS[code], "efficiency", _EFFICIENCY_READERS[code]))
        else:
            found.append(Source(code, indicator.label, "efficiency", _indicator(code)))
    return found


SOURCES: dict[str, Source] = {
    s.code: s
    for s in (
        *_efficiency(),
        Source("channel_completeness", _("服务方式完备度（渠道覆盖）"), "online_service", catalog.channel_completeness),
        Source("item_coverage", _("服务事项覆盖度（可在线申报事项占比）"), "online_service", catalog.item_coverage),
        Source("item_full_online", _("全程网办事项占比"), "online_service", catalog.item_full_online),
        Source("guide_accuracy", _("办事指南准确度（要素齐全且时限一致）"), "online_service", catalog.guide_accuracy),
        Source("online_maturity", _("在线办理成熟度（网办深度加权）"), "online_service", catalog.online_maturity),
        Source("online_effectiveness", _("在线服务成效度（网办率与满意率）"), "online_service", _effectiveness),
        Source("catalog_waivable", _("目录可免提交材料占比"), "coordination", catalog.catalog_waivable),
        Source("joint_on_time", _("联合审批按时办结率"), "coordination", coordination.joint_on_time),
        Source("assist_on_time", _("协办、征求意见按时答复率"), "coordination", coordination.assist_on_time),
        Source("claim_on_time", _("双告知认领及时率"), "coordination", coordination.claim_on_time),
        Source(
            "devolution_in_step",
            _("关联事项同步下放（放权同步检查无问题的事项占比）"),
            "coordination",
            catalog.devolution_in_step,
        ),
        Source(
            "decision_push_rate",
            _("审批结果推送监管部门比例（审管联动）"),
            "coordination",
            coordination.decision_push_rate,
        ),
    )
}


def source_choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in SOURCES.values()]


def compute(code: str, reading: Reading) -> float | None:
    """The source's fraction for the reading, kept within 0–1 and rounded like the efficiency indicators."""
    value = SOURCES[code].read(reading)
    if value is None:
        return None
    return round(min(max(float(value), 0.0), 1.0), 6)

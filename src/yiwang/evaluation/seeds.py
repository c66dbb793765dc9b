"""The two indicator systems every deployment starts with, and the demo's round.

1. 网上政务服务五维评价 — the five dimensions the Shaanxi free-trade-zone paper names for supervising online
   service quality (《推进"互联网+政务服务"提升自贸区政务服务质量和效能》, 2017: "从服务方式完备度、服务事项覆盖度、
   办事指南准确度、在线办理深度、在线服务成效度等五个方面督促……适时开展政务服务效能第三方评估").
2. 部门协同配合评价 — the six themes of the Shandong study (高学栋、张明亮《"放管服"工作中加强部门间协同配合对策研究
   ——基于对S省部分政府职能部门第三方评估》, 山东行政学院学报 2017(1)): 建立健全协调统筹机制、推广联合审批和集中
   审批、努力解决职责交叉重叠问题、进一步优化协调办事流程、建立健全协同监管机制、建立部门间信息互联互通和共享机制.

Neither source weighs its dimensions; the weights here are the project's, written down in docs/evaluation.md, and
an administrator changes them in the admin before a system's first round opens. An indicator is computed where
yiwang holds the data and scored by the evaluators, with evidence, where only documents and visits can tell.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import User
from yiwang.org.models import Department, Region

from .models import Dimension, EvaluationRound, EvaluationSystem, Indicator

C, S = Indicator.Method.COMPUTED, Indicator.Method.SCORED

# (code, name, description, basis, [(dimension, weight, description, [indicator …])]); an indicator is
# (name, weight, method, source or max score, guidance, evidence required).
SYSTEMS = [
    (
        "online-service",
        "网上政务服务五维评价",
        "按服务方式完备度、服务事项覆盖度、办事指南准确度、在线办理成熟度、在线服务成效度五个维度评价部门和区的"
        "网上政务服务质量；能由平台数据计算的自动计算，其余由第三方评估人员核验打分。",
        "《推进“互联网+政务服务”提升自贸区政务服务质量和效能》（陕西，2017）：“从服务方式完备度、服务事项覆盖度、"
        "办事指南准确度、在线办理深度、在线服务成效度等五个方面督促各地市各部门不断提高政务服务质量和效率。"
        "适时开展政务服务效能第三方评估”。办事指南要素依《行政许可法》第三十条。五个维度等权，各 20 分。",
        [
            (
                "服务方式完备度",
                20,
                "网上申报、窗口办理、网上预约、电话咨询、投诉渠道是否齐备。",
                [
                    ("办理渠道覆盖", 3, C, "channel_completeness", "", False),
                    (
                        "移动端与自助终端服务",
                        1,
                        S,
                        10,
                        "抽查本部门（本区）事项在政务服务移动端、自助终端上能否查询、申报、查看进度；"
                        "全部可用得满分，每发现一项不可用扣 2 分。附截图或抽查记录。",
                        True,
                    ),
                ],
            ),
            (
                "服务事项覆盖度",
                20,
                "可在线申报、全程网办的事项占实施清单的比例。",
                [
                    ("可在线申报事项占比", 3, C, "item_coverage", "", False),
                    ("全程网办事项占比", 1, C, "item_full_online", "", False),
                ],
            ),
            (
                "办事指南准确度",
                20,
                "办事指南七要素齐全、承诺时限不超过法定时限，且与实际办理一致。",
                [
                    ("办事指南要素齐全且时限一致", 3, C, "guide_accuracy", "", False),
                    (
                        "办事指南与实际办理一致（暗访核验）",
                        2,
                        S,
                        10,
                        "随机抽取不少于 5 个事项，按办事指南模拟办理或电话咨询，核对材料、流程、时限、收费、地点是否"
                        "与指南一致；每发现一处不一致扣 2 分。附抽查清单。",
                        True,
                    ),
                ],
            ),
            (
                "在线办理成熟度",
                20,
                "网办深度分布（一级 0 分至四级满分）与实际全程网办的办件比例。",
                [
                    ("网办深度加权得分", 3, C, "online_maturity", "", False),
                    ("全程网办率（办件）", 1, C, "full_online_rate", "", False),
                ],
            ),
            (
                "在线服务成效度",
                20,
                "网办率、满意率与差评整改。",
                [
                    ("网办率与满意率", 3, C, "online_effectiveness", "", False),
                    ("差评整改率", 1, C, "bad_rating_rectified_rate", "", False),
                ],
            ),
        ],
    ),
    (
        "coordination",
        "部门协同配合评价",
        "按山东省“放管服”第三方评估提出的六个方面评价部门间协同配合；联合审批、征求意见答复、双告知认领、"
        "审管联动、共享数据替代材料等由平台数据计算，机制建设类由第三方评估人员凭佐证材料打分。",
        "高学栋、张明亮：《“放管服”工作中加强部门间协同配合对策研究——基于对S省部分政府职能部门第三方评估》，"
        "山东行政学院学报 2017 年第 1 期，第四部分对策建议（二）至（七）。研究未给权重：联合审批、流程协同、"
        "协同监管为办事中直接可见的协同，各 20 分；统筹协调机制、信息共享各 15 分；职责交叉重叠 10 分。",
        [
            (
                "统筹协调机制",
                15,
                "明确交叉协同事项的牵头部门和协作部门、责任分工、协调内容和时限；业务关联事项同时下放。",
                [
                    (
                        "主办协办机制健全",
                        1,
                        S,
                        10,
                        "查阅涉及多部门事项的牵头、协办分工文件和协调台账：分工明确、有时限、有台账得满分；"
                        "缺一项扣 3 分。附文件或台账。",
                        True,
                    ),
                    ("关联事项同步下放", 1, C, "devolution_in_step", "", False),
                ],
            ),
            (
                "联合审批与集中审批",
                20,
                "多部门事项一窗受理、并联审批、按时办结，审批事项向政务服务中心集中。",
                [
                    ("联合审批按时办结率", 2, C, "joint_on_time", "", False),
                    ("中心直接办结比例", 1, C, "hall_conclusion_rate", "", False),
                    (
                        "并联审批与一窗受理落实",
                        1,
                        S,
                        10,
                        "查看并联审批流程设置与窗口授权：牵头部门明确、不互为前置、窗口充分授权得满分。附流程或授权文件。",
                        True,
                    ),
                ],
            ),
            (
                "职责交叉重叠",
                10,
                "权责清晰并向社会公示，多头管理事项确立唯一责任主体。",
                [
                    (
                        "权责清单公示且无交叉重叠",
                        2,
                        S,
                        10,
                        "对照权责清单，检查同一服务对象的审批事项是否分散在多个部门、是否存在多头审批；"
                        "每发现一项扣 2 分。附对照表。",
                        True,
                    ),
                    (
                        "多头管理事项明确唯一责任主体",
                        1,
                        S,
                        10,
                        "抽查多头管理事项是否已明确唯一牵头部门并公示。",
                        False,
                    ),
                ],
            ),
            (
                "办事流程协同",
                20,
                "变“群众来回跑”为“部门协同办”：协办按时答复，群众少跑腿。",
                [
                    ("协办、征求意见按时答复率", 2, C, "assist_on_time", "", False),
                    ("零跑动率", 1, C, "zero_visit_rate", "", False),
                    (
                        "材料转交与流程衔接",
                        1,
                        S,
                        10,
                        "抽查跨部门办件：是否“谁收件谁负责”、由前一部门转交材料，申请人无需重复提交。附抽查记录。",
                        False,
                    ),
                ],
            ),
            (
                "协同监管",
                20,
                "审批结果及时推送监管执法部门，双告知按时认领，处罚结果反馈审批部门。",
                [
                    ("双告知认领及时率", 2, C, "claim_on_time", "", False),
                    ("审批结果推送监管部门比例", 2, C, "decision_push_rate", "", False),
                    (
                        "处罚结果反馈审批部门",
                        1,
                        S,
                        10,
                        "查阅执法部门作出的处罚是否反馈审批部门、需吊销许可的是否移送；每发现一例未反馈扣 2 分。附记录。",
                        True,
                    ),
                ],
            ),
            (
                "信息互联互通与共享",
                15,
                "打破信息孤岛：共享数据、电子证照替代申请材料，业务系统对接、不重复录入。",
                [
                    ("减材料率（共享数据替代材料）", 2, C, "materials_waived_rate", "", False),
                    ("目录可免提交材料占比", 1, C, "catalog_waivable", "", False),
                    (
                        "业务系统对接、数据不重复录入",
                        1,
                        S,
                        10,
                        "核查本部门业务系统与政务服务平台的对接情况，是否存在重复录入、多次填报同一材料。附对接说明。",
                        True,
                    ),
                ],
            ),
        ],
    ),
]


@transaction.atomic
def load_evaluation_systems() -> list[EvaluationSystem]:
    """Create the seeded systems that are missing; an existing one (perhaps reweighted by an administrator) stays."""
    found = []
    for code, name, description, basis, dimensions in SYSTEMS:
        system, created = EvaluationSystem.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "basis": basis}
        )
        found.append(system)
        if not created:
            continue
        for d_position, (d_name, d_weight, d_description, indicators) in enumerate(dimensions, start=1):
            dimension = Dimension.objects.create(
                system=system, position=d_position, name=d_name, weight=d_weight, description=d_description
            )
            for position, (i_name, weight, method, source_or_max, guidance, evidence) in enumerate(indicators, 1):
                Indicator.objects.create(
                    dimension=dimension,
                    position=position,
                    name=i_name,
                    weight=weight,
                    method=method,
                    source=source_or_max if method == C else "",
                    max_score=source_or_max if method == S else None,
                    guidance=guidance,
                    evidence_required=evidence,
                )
    return found


# The demo's round: 广州市 evaluates five 海珠区 departments and its two districts on how they coordinate.
DEMO_ROUND = "部门协同配合第三方评估（演示）"
DEMO_DEPARTMENTS = ("SAMR", "HEALTH", "URBAN", "CULTURE", "PSB")
DEMO_EVALUATOR = "gz-evaluator"


def load_demo_round(*, today: dt.date | None = None) -> EvaluationRound | None:
    """The demo round, open for scoring, over the current quarter; once."""
    from .services import round_create, round_open

    existing = EvaluationRound.objects.filter(name=DEMO_ROUND).first()
    if existing is not None:
        return existing
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    evaluator = User.objects.filter(username=DEMO_EVALUATOR).first()
    if admin is None or evaluator is None:
        return None
    city = Region.objects.get(code="440100")
    today = today or timezone.localdate()
    found = round_create(
        actor=admin,
        system=EvaluationSystem.objects.get(code="coordination"),
        name=DEMO_ROUND,
        region=city,
        period=f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        departments=Department.objects.filter(region__code="440105", kind__in=DEMO_DEPARTMENTS).order_by("kind"),
        districts=Region.objects.filter(code__in=("440105", "440106")).order_by("code"),
        evaluators=[evaluator],
    )
    return round_open(actor=admin, round_=found)

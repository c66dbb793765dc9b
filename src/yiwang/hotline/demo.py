"""Demo work orders for 海珠区: two months of calls, so the operator's queues, a department's inbox, the map, the
hotspots and last month's 每月情况通报 all show something the day the demo is loaded.

Every order lives its life through hotline.services, each step at its own moment in the past: the loader runs
each step inside services.happened_at(moment), so its number, limits and timeline are of that moment, then dates
the two columns stamped at insert by the real clock (an order's 受理时间, an extension's request time) with an
explicit update. The audit log and the events keep the moment the demo wrote them. The set is fixed (a seeded
generator, dates relative to the moment of loading): last month's orders, all settled, some after a return or a
重办; this month's, spread over every stage, a few past their limits; and four calls about one KTV that make a 老大难
hotspot. Loading again adds nothing.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import User
from yiwang.core.calendar import WorkCalendar
from yiwang.grid.models import GridCell
from yiwang.org.models import Department, Region

from . import services
from .models import Assignment, ExtensionRequest, WorkOrder
from .report import previous_month

HAIZHU = "440105"
OPERATOR = "hz-12345-operator"
# Callers' numbers in a range no journey or persona uses, and how a reload recognises the demo's orders.
PHONE_PREFIX = "1370000"
Status, Sat, Handling = WorkOrder.Status, WorkOrder.Satisfaction, WorkOrder.Handling


@dataclass(frozen=True)
class Call:
    category: str
    title: str
    kind: str
    text: str
    place: str


# What people call about, each with the department it belongs to by its category (hotline/data/categories.yaml).
CALLS = [
    Call(
        "CITY-01", "菜市场路口占道卖菜", "complaint", "路口早上有流动摊贩占道卖菜，行人只能走机动车道。", "南洲路菜市场"
    ),
    Call("CITY-02", "小区门口垃圾未清运", "complaint", "小区门口的垃圾桶两天没人清运，气味很大。", "江南大道中"),
    Call("CITY-04", "楼顶加建铁皮房", "report", "楼顶有人加建铁皮房，担心影响结构安全。", "宝岗大道"),
    Call("CITY-05", "餐馆油烟直排", "complaint", "楼下餐馆油烟直排，家里开不了窗。", "昌岗中路"),
    Call("NOISE-01", "工地夜间打桩", "complaint", "工地晚上十一点后还在打桩，严重影响休息。", "新港西路"),
    Call("NOISE-02", "广场舞音响扰民", "complaint", "广场舞音箱声音太大，早上六点就开始放音乐。", "滨江东路"),
    Call("WATER-01", "无通知停水", "help", "从昨晚开始停水，没有看到任何通知。", "工业大道中"),
    Call("WATER-03", "路口积水", "help", "下雨后路口积水没过脚踝，排水口被堵住了。", "前进路"),
    Call("HOUSE-01", "地下车库漏水物业不理", "complaint", "物业不处理地下车库漏水，多次反映无果。", "石榴岗路"),
    Call("HOUSE-02", "电梯经常困人", "help", "电梯经常困人，物业说等配件。", "东晓南路"),
    Call("MARKET-02", "七天无理由退货被拒", "complaint", "在商场买的电器七天内申请退货被拒。", "江南西路"),
    Call("MARKET-01", "早餐店后厨卫生差", "report", "早餐店后厨卫生很差，怀疑使用过期食材。", "晓港西马路"),
    Call("LABOUR-01", "装修公司拖欠工资", "help", "装修公司拖欠两个月工资不发。", "赤岗北路"),
    Call("TRAFFIC-01", "私家车占用消防通道", "complaint", "私家车长期占用消防通道，消防车进不来。", "琶洲大道"),
    Call("TRAFFIC-02", "建议增开早高峰公交", "suggestion", "建议增开早高峰往珠江新城方向的公交班次。", "广州大道南"),
]
# A 咨询 the operator answers on the spot and closes (直接答复).
CONSULT = Call("GOV-01", "居住证办理材料咨询", "consult", "想问一下办理居住证需要带什么材料。", "江南西路")
# The hotspot: one KTV, called about again and again (its place and words alike, so repeat detection links them).
KTV = Call(
    "NOISE-03",
    "宝业路KTV深夜扰民",
    "complaint",
    "宝业路88号的KTV每天唱歌到凌晨，音响声音很大，严重影响休息。",
    "宝业路88号KTV",
)
PROCESS_CHANGE = "将此类诉求纳入中队每日巡查清单，巡查发现即时处置并在工单系统登记。"
REPLIES = {
    Sat.SATISFIED: "已到现场核查并处理完毕，已向来电人说明。",
    Sat.BASIC: "已责令整改，将持续跟进。",
    Sat.DISSATISFIED: "已联系相关单位，待进一步协调。",
}
# This month's stages: how many orders stop at each, and which of them run past their limit.
RECENT = (
    [("received", False)] * 5
    + [("dispatched", False)] * 3
    + [("dispatched", True)] * 2
    + [("signed", False)] * 4
    + [("signed", True)] * 2
    + [("extension", False)]
    + [("returned", False)] * 3
    + [("replied", False)] * 5
    + [("closed", False)] * 6
    + [("answered", False)] * 2
)
LAST_MONTH = 26


class _Loader:
    def __init__(self, rng: random.Random, now: dt.datetime):
        self.rng, self.now = rng, now
        self.region = Region.objects.get(code=HAIZHU)
        self.calendar = WorkCalendar(self.region)
        self.operator = User.objects.get(username=OPERATOR)
        self.departments = {d.kind: d for d in Department.objects.filter(region=self.region)}
        self.liaisons = {u.username: u for u in User.objects.filter(username__endswith="-liaison")}
        self.cells = list(GridCell.objects.order_by("code").values_list("centroid_lon", "centroid_lat"))
        self.serial = 0

    def clock(self, moment: dt.datetime):
        """One step run as having happened at `moment`. Never past the moment of loading: near a long holiday a
        story's last steps are squeezed to it."""
        return services.happened_at(min(moment, self.now))

    def later(self, moment: dt.datetime, *, days: int = 0, minutes: int = 0) -> dt.datetime:
        """`days` working days and then `minutes` after `moment`, at the same time of day."""
        if days:
            local = timezone.localtime(moment)
            day = self.calendar.add_working_days(local.date(), days).date
            moment = timezone.make_aware(dt.datetime.combine(day, local.time()))
        return moment + dt.timedelta(minutes=minutes)

    def start(self, day: dt.date) -> dt.datetime:
        """A call in office hours on the first working day at or after `day`."""
        while not self.calendar.is_workday(day):
            day += dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9 + self.rng.randrange(7), self.rng.randrange(60))))

    def liaison(self, order: WorkOrder) -> User:
        """The liaison of the department that has the order now."""
        lead = order.assignments.select_related("department").get(lead=True, status__in=Assignment.ACTIVE_STATES)
        return self.liaisons[f"hz-{lead.department.kind.lower()}-liaison"]

    def take(self, call: Call, at: dt.datetime, *, point=None) -> WorkOrder:
        self.serial += 1
        longitude, latitude = point or self.rng.choice(self.cells)
        with self.clock(at):
            order = services.order_take(
                actor=self.operator,
                region=self.region,
                kind=call.kind,
                category=call.category,
                title=call.title,
                description=call.text,
                address=f"海珠区{call.place}",
                caller_name=self.rng.choice("张王李赵陈刘黄周吴林") + self.rng.choice(["先生", "女士"]),
                caller_phone=f"{PHONE_PREFIX}{self.serial:04d}",
                longitude=round(longitude, 6),
                latitude=round(latitude, 6),
            )
        # 受理时间 is stamped at insert by the real clock, not the step's.
        WorkOrder.objects.filter(pk=order.pk).update(created_at=min(at, self.now))
        return order

    def dispatch(self, order: WorkOrder, at: dt.datetime, *, kind: str | None = None) -> WorkOrder:
        lead = self.departments[kind or order.category.department_kind]
        # 季节性 for the water (it runs on the shortest limits), 老大难 for the KTV that keeps coming back.
        code = order.category.code
        if code.startswith("WATER"):
            handling = Handling.SEASONAL
        elif code == KTV.category:
            handling = Handling.CHRONIC
        else:
            handling = Handling.RECTIFICATION
        with self.clock(at):
            return services.order_dispatch(actor=self.operator, order=order, lead=lead, handling=handling)

    def sign(self, order: WorkOrder, at: dt.datetime) -> None:
        with self.clock(at):
            services.order_sign(actor=self.liaison(order), order=order)

    def reply(self, order: WorkOrder, at: dt.datetime, satisfaction: str = Sat.SATISFIED) -> None:
        outcome = "solved" if satisfaction == Sat.SATISFIED else "partly"
        change = {}
        # A 整改类 order's answer records the process the department changed (流程整改).
        if WorkOrder.objects.filter(pk=order.pk, handling=Handling.RECTIFICATION).exists():
            change = {"change_description": PROCESS_CHANGE, "change_effective_on": timezone.localdate(at)}
        with self.clock(at):
            services.order_reply(
                actor=self.liaison(order), order=order, reply=REPLIES[satisfaction], outcome=outcome, **change
            )

    def callback(self, order: WorkOrder, at: dt.datetime, satisfaction: str) -> None:
        with self.clock(at):
            services.order_callback(actor=self.operator, order=order, satisfaction=satisfaction)

    def give_back(self, order: WorkOrder, at: dt.datetime) -> None:
        with self.clock(at):
            services.order_return(actor=self.liaison(order), order=order, reason="该诉求不属本部门职责，请改派。")

    def redispatch(self, order: WorkOrder, at: dt.datetime) -> None:
        lead = self.departments[order.category.department_kind]
        with self.clock(at):
            services.order_redispatch(actor=self.operator, order=order, lead=lead)

    def wrong_department(self, order: WorkOrder) -> str:
        return "HOUSING" if order.category.department_kind != "HOUSING" else "URBAN"

    def settled(self, order: WorkOrder, t0: dt.datetime, *, returned: bool, satisfaction: str) -> None:
        """Dispatched (perhaps to the wrong department first), signed, answered, called back and closed; a caller
        who is not satisfied gets the order done again first."""
        if returned:
            order = self.dispatch(order, self.later(t0, minutes=10), kind=self.wrong_department(order))
            self.give_back(order, self.later(t0, minutes=40))
            self.redispatch(order, self.later(t0, minutes=60))
        else:
            self.dispatch(order, self.later(t0, minutes=10))
        self.sign(order, self.later(t0, minutes=90))
        self.reply(order, self.later(t0, days=2), satisfaction)
        self.callback(order, self.later(t0, days=3), satisfaction)
        if satisfaction == Sat.DISSATISFIED:
            self.reply(order, self.later(t0, days=5))
            self.callback(order, self.later(t0, days=6), Sat.SATISFIED)

    def answered(self, order: WorkOrder, at: dt.datetime) -> None:
        with self.clock(at):
            services.order_answer_directly(
                actor=self.operator, order=order, answer="已按知识库口径答复来电人，并告知办理渠道。"
            )

    def recent(self, stage: str, t0: dt.datetime) -> None:
        order = self.take(CONSULT if stage == "answered" else self.rng.choice(CALLS), t0)
        if stage == "answered":
            self.answered(order, self.later(t0, minutes=5))
        elif stage == "closed":
            self.settled(order, t0, returned=False, satisfaction=self.rng.choice([Sat.SATISFIED, Sat.BASIC]))
        elif stage != "received":
            self.open_stage(order, stage, t0)

    def open_stage(self, order: WorkOrder, stage: str, t0: dt.datetime) -> None:
        if stage == "returned":
            order = self.dispatch(order, self.later(t0, minutes=10), kind=self.wrong_department(order))
            self.give_back(order, self.later(t0, minutes=40))
            return
        self.dispatch(order, self.later(t0, minutes=10))
        if stage == "dispatched":
            return
        self.sign(order, self.later(t0, minutes=60))
        if stage == "extension":
            at = min(self.later(t0, days=1), self.now)
            with self.clock(at):
                extension = services.extension_request(
                    actor=self.liaison(order), order=order, days=5, reason="需协调产权单位共同处理。"
                )
            ExtensionRequest.objects.filter(pk=extension.pk).update(requested_at=at)
        elif stage == "replied":
            self.reply(order, self.later(t0, days=1))


def _starts(loader: _Loader, first: dt.date, last: dt.date, count: int) -> list[dt.datetime]:
    span = (last - first).days
    return sorted(loader.start(first + dt.timedelta(days=loader.rng.randint(0, span))) for _ in range(count))


@transaction.atomic
def load_demo_orders() -> int:
    """Two months of 海珠区's calls up to now and last month's report; nothing when the demo's orders are already
    there."""
    if WorkOrder.objects.filter(caller_phone__startswith=PHONE_PREFIX).exists():
        return 0
    now = timezone.now()
    loader = _Loader(random.Random(12345), now)
    today = timezone.localdate(now)
    month = today.replace(day=1)
    last_month = previous_month(month)
    # Last month: every order settled within the month (a week's room at its end for the callbacks).
    for n, t0 in enumerate(_starts(loader, last_month, month - dt.timedelta(days=10), LAST_MONTH)):
        consult = n % 9 == 4
        order = loader.take(CONSULT if consult else loader.rng.choice(CALLS), t0)
        if consult:
            loader.answered(order, loader.later(t0, minutes=5))
            continue
        satisfaction = Sat.DISSATISFIED if n % 7 == 3 else (Sat.BASIC if n % 5 == 2 else Sat.SATISFIED)
        loader.settled(order, t0, returned=n % 6 == 1, satisfaction=satisfaction)
    # This month (the last three weeks, so an early day of the month still has its share): every stage.
    for stage, late in RECENT:
        loader.recent(stage, _recent_start(loader, stage, late, today))
    _hotspot(loader, today)
    services.hotspots_detect_region(region=loader.region)
    services.report_generate(actor=None, region=loader.region, month=last_month)
    return WorkOrder.objects.filter(caller_phone__startswith=PHONE_PREFIX).count()


def _recent_start(loader: _Loader, stage: str, late: bool, today: dt.date) -> dt.datetime:
    """Open orders near today (today's calls still to dispatch, a sign limit of two working hours); late ones a
    week back, past their limits; the settled ones up to three weeks back."""
    if stage in ("received", "dispatched", "returned") and not late:
        # Within the last hour and a half, so a two-hour sign limit still runs and a return is still allowed.
        return loader.now - dt.timedelta(minutes=loader.rng.randint(70, 90))
    if late:
        back = 8 if stage == "signed" else 2
    else:
        back = loader.rng.randint(7, 15) if stage == "closed" else loader.rng.randint(2, 4)
    day = today
    for _ in range(back):
        day -= dt.timedelta(days=1)
        while not loader.calendar.is_workday(day):
            day -= dt.timedelta(days=1)
    return loader.start(day)


def _hotspot(loader: _Loader, today: dt.date) -> None:
    """Four calls about the KTV within a few metres of each other over three weeks: a 老大难 place."""
    cell = loader.cells[len(loader.cells) // 2]
    for n, back in enumerate((20, 13, 6, 1)):
        t0 = loader.start(today - dt.timedelta(days=back))
        point = (cell[0] + 0.00005 * n, cell[1] + 0.00003 * n)
        order = loader.take(KTV, t0, point=point)
        if back > 5:
            loader.settled(order, t0, returned=False, satisfaction=Sat.BASIC)
        else:
            loader.open_stage(order, "signed", t0)

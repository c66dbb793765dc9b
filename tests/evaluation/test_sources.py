"""Every computed source on data whose answer is worked out by hand: a tiny catalog slice of a department of its
own (the five online-service dimensions), daily figures (the efficiency indicators, turned where lower is better),
and cases, tasks and notices of October 2026 (the coordination sources)."""

import datetime as dt

import pytest

from tests.factories import CaseFactory
from yiwang.accounts.models import Entity
from yiwang.catalog.models import ItemImplementation, ItemVersion, LicenceType, MaterialSpec, ServiceItem
from yiwang.coordination.models import ClaimNotice, DecisionNotice, DualNotification, Subscription
from yiwang.desk.models import AppointmentPattern
from yiwang.evaluation.sources import SOURCES, compute
from yiwang.evaluation.subjects import Reading, Subject
from yiwang.insights.indicators import INDICATORS
from yiwang.insights.models import DailyFigure
from yiwang.insights.periods import Period
from yiwang.insights.services import month_roll_up
from yiwang.org.models import Department, Region, ServiceCenter
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))
OCTOBER = Period.parse("2026-10")
# After October: whatever was due in it has had its day.
LATER = dt.date(2026, 11, 23)
FORM = {"type": "object", "properties": {"name": {"type": "string", "title": "名称"}}}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CST)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@pytest.fixture
def lab(db):
    """A department of its own in 海珠区 (测试局), so no reference item is among its implementations."""
    haizhu = Region.objects.get(code="440105")
    return Department.objects.create(region=haizhu, kind="EVALTEST", name="测试局", code="440105-EVALTEST")


def published(code, *, depth, promised=5, statutory=20, conditions="符合条件", materials=(), form=FORM):
    """A published item: its materials (name, required, source) added while a draft, then the version frozen."""
    item = ServiceItem.objects.create(
        code=code,
        name=f"事项{code}",
        kind="licensing",
        department_kind="EVALTEST",
        level="county",
        audience="enterprise",
    )
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        legal_basis="《中华人民共和国行政许可法》第十二条",
        conditions=conditions,
        process_outline="申请 → 受理 → 审查 → 决定",
        form_schema=form,
        promised_days=promised,
        statutory_days=statutory,
        online_depth=depth,
    )
    for position, (name, required, source) in enumerate(materials, start=1):
        MaterialSpec.objects.create(
            version=version,
            position=position,
            name=name,
            required=required,
            source=source,
            licence_type=LicenceType.objects.first() if source == "licence" else None,
        )
    ItemVersion.objects.filter(pk=version.pk).update(status="published")
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def implement(item, department, *, place="海珠区政务服务中心", phone="020-1", complaint="12345", promised=None):
    return ItemImplementation.objects.create(
        item=item,
        department=department,
        place=place,
        consultation_phone=phone,
        complaint_phone=complaint,
        promised_days=promised,
    )


@pytest.fixture
def catalog_slice(lab):
    """Four implementations, each line's comment giving what it counts for:
    E1 depth 4, complete, consistent; every channel; 2 required materials, 1 drawn from shared data.
    E2 depth 3, 受理条件 missing; no phones; 1 required applicant material.
    E3 depth 2, promises 25 days against a statutory 20; no place; 1 required material from an e-licence.
    E4 depth 1, complete but the implementation promises 8 days against the version's 5; no complaint line; one
       required applicant material and an optional shared one.
    Plus an inactive implementation and an item never published, which count for nothing."""
    e1 = published("E001", depth=4, materials=[("申请书", True, "applicant"), ("身份证明", True, "shared")])
    e2 = published("E002", depth=3, conditions="", materials=[("申请书", True, "applicant")])
    e3 = published("E003", depth=2, promised=25, materials=[("营业执照", True, "licence")])
    e4 = published("E004", depth=1, materials=[("申请书", True, "applicant"), ("户籍", False, "shared")])
    implement(e1, lab)
    implement(e2, lab, phone="", complaint="")
    implement(e3, lab, place="")
    implement(e4, lab, complaint="", promised=8)
    retired = published("E005", depth=4, materials=[("申请书", True, "applicant")])
    ItemImplementation.objects.filter(pk=implement(retired, lab).pk).update(active=False)
    draft_only = ServiceItem.objects.create(
        code="E006", name="未发布", kind="licensing", department_kind="EVALTEST", level="county", audience="person"
    )
    ItemImplementation.objects.create(item=draft_only, department=lab, place="x")
    # 海珠区's hall takes bookings for this department's items.
    AppointmentPattern.objects.create(
        center=ServiceCenter.objects.get(region__code="440105"),
        department=lab,
        starts=dt.time(9),
        ends=dt.time(10),
        capacity=5,
    )
    return lab


def value(code, department=None, region=None, period=OCTOBER, today=LATER):
    return compute(code, Reading(Subject(department=department, region=region), period, today=today))


def test_the_five_dimensions_from_the_catalog(catalog_slice):
    # 可在线申报 (depth ≥ 3): E1, E2 of four.
    assert value("item_coverage", catalog_slice) == 0.5
    assert value("item_full_online", catalog_slice) == 0.25
    # Depth 4, 3, 2, 1 → 1, ⅔, ⅓, 0: a mean of ½.
    assert value("online_maturity", catalog_slice) == 0.5
    # Only E1's guide has all seven elements and consistent limits.
    assert value("guide_accuracy", catalog_slice) == 0.25
    # Channels of five: E1 5, E2 3 (no phones), E3 3 (no online application, no place), E4 3 (not online, no
    # complaint line): 14 of 20.
    assert value("channel_completeness", catalog_slice) == 0.7
    # Required materials 2 + 1 + 1 + 1 = 5, of which the shared one (E1) and the e-licence (E3) are drawn.
    assert value("catalog_waivable", catalog_slice) == 0.4


def test_without_a_booking_timetable_no_implementation_is_bookable(catalog_slice):
    AppointmentPattern.objects.filter(department=catalog_slice).update(active=False)
    assert value("channel_completeness", catalog_slice) == 0.5  # 4 + 2 + 2 + 2 of 20


def test_a_subject_with_no_implementation_has_no_value(lab):
    for code in ("item_coverage", "guide_accuracy", "online_maturity", "channel_completeness", "catalog_waivable"):
        assert value(code, lab) is None, code


def test_a_district_reads_its_whole_subtree(lab, catalog_slice):
    street = Region.objects.create(code="440105099", name="测试街道", level="town", parent=lab.region)
    office = Department.objects.create(region=street, kind="EVALTEST", name="测试所", code="440105099-EVALTEST")
    implement(published("E007", depth=4, materials=[("申请书", True, "applicant")]), office)
    assert value("item_coverage", region=street) == 1.0
    # 海珠区 holds the slice, the street's item and every reference implementation; the slice's alone is 0.5.
    assert value("item_coverage", region=lab.region) > value("item_coverage", lab)


def test_every_efficiency_indicator_is_a_source():
    assert set(INDICATORS) <= set(SOURCES)


@pytest.fixture
def figures(lab):
    DailyFigure.objects.create(
        day=d("2026-10-14"),
        region=lab.region,
        department=lab,
        item=ServiceItem.objects.first(),
        applied=10,
        applied_online=6,
        visits=5,
        decided=4,
        decided_on_time=3,
        working_days=10,
        speedup_cases=2,
        speedup_sum=-0.4,
        ratings=4,
        ratings_good=3,
        supervised=1,
    )
    month_roll_up(d("2026-10-01"))
    return lab


def test_efficiency_rates_as_they_are_and_turned_where_lower_is_better(figures):
    assert value("online_rate", figures) == 0.6
    assert value("on_time_rate", figures) == 0.75
    assert value("satisfaction_rate", figures) == 0.75
    # 提速率 -0.2 (slower than the statutory limit) is clipped to 0.
    assert value("speedup_rate", figures) == 0.0
    # 2.5 working days on average: 1 − 2.5 ÷ 20.
    assert value("avg_working_days", figures) == 0.875
    # 0.5 trips on average: 1 − 0.5 ÷ 2.
    assert value("visits_avg", figures) == 0.75
    # One of four decided late; one 督办 per four decided.
    assert value("overdue_count", figures) == 0.75
    assert value("supervision_count", figures) == 0.75
    # 成效度: (网办率 0.6 + 满意率 0.75) ÷ 2.
    assert value("online_effectiveness", figures) == 0.675
    # Nothing rated badly: no 差评整改率; another month has no figures at all.
    assert value("bad_rating_rectified_rate", figures) is None
    assert value("online_rate", figures, period=Period.parse("2026-09")) is None
    assert value("online_effectiveness", figures, period=Period.parse("2026-09")) is None


@pytest.fixture
def coordination(lab, catalog_slice):
    """October's joint cases, assisting tasks, claim notices and pushed decisions of 测试局 (lab) with 市场监管."""
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    health_permit = ItemImplementation.objects.filter(department__region__code="440105", department__kind="HEALTH")[0]
    own = ItemImplementation.objects.get(item__code="E001", department=lab)

    def case(implementation, decided, due, *, granted=True):
        return CaseFactory(
            implementation_=implementation,
            received_on=d("2026-09-28"),
            accepted_on=d("2026-09-28"),
            due_on=d(due),
            decided_at=at(decided),
            granted=granted,
            status="delivered",
        )

    def task(of_case, department, role, due, *, finished=None, status="agreed"):
        return Task.objects.create(
            case=of_case,
            stage_position=1,
            department=department,
            role=role,
            status=status,
            opened_on=d("2026-09-28"),
            due_on=d(due),
            finished_at=at(finished) if finished else None,
        )

    # J1 lab leads, 市场监管 assists: decided 10-10, due 10-12, on time. Pushed to a subscribed supervisor.
    j1 = case(own, "2026-10-10", "2026-10-12")
    task(j1, samr, "assisting", "2026-10-08", finished="2026-10-08")
    # J2 lab leads, 市场监管 assists: decided 10-20, due 10-15, late. Not pushed.
    j2 = case(own, "2026-10-20", "2026-10-15")
    task(j2, samr, "assisting", "2026-10-12", finished="2026-10-14")
    # J3 卫健 leads, lab assists (on time, T1): decided 10-05, due 10-30, on time.
    j3 = case(health_permit, "2026-10-05", "2026-10-30")
    task(j3, lab, "assisting", "2026-10-03", finished="2026-10-02")
    # J4 lab alone, denied: not joint, not a grant. J5 decided in November: another period.
    case(own, "2026-10-06", "2026-10-09", granted=False)
    j5 = case(own, "2026-11-02", "2026-11-03")
    task(j5, samr, "assisting", "2026-11-30", status="open")
    # Lab's other tasks due in October: consulted and answered late (T2), assisting still open past due (T3),
    # cancelled (T4, not counted); one due in November (T5, another period).
    task(j2, lab, "consulted", "2026-10-20", finished="2026-10-21", status="answered")
    task(j2, lab, "assisting", "2026-10-25", status="open")
    task(j2, lab, "assisting", "2026-10-28", status="cancelled")
    task(j5, lab, "assisting", "2026-11-30", status="open")
    subscription = Subscription.objects.create(department=samr, item=j1.item)
    DecisionNotice.objects.create(
        subscription=subscription, department=samr, case=j1, granted=True, decided_at=j1.decided_at
    )
    # Claims sent to lab: claimed within its days (N1), claimed late (N2), never claimed and past due (N3), and one
    # issued in November (N4).
    notification = DualNotification.objects.create(licence_number="EVAL-1", entity=Entity.objects.first())
    for n, (issued, due, claimed) in enumerate(
        [
            ("2026-10-09", "2026-10-16", "2026-10-15"),
            ("2026-10-09", "2026-10-16", "2026-10-19"),
            ("2026-10-30", "2026-11-06", None),
            ("2026-11-02", "2026-11-09", None),
        ]
    ):
        ClaimNotice.objects.create(
            notification=notification,
            entity=notification.entity,
            department=lab,
            item=ServiceItem.objects.get(code=f"E00{n + 1}"),
            issued_on=d(issued),
            due_on=d(due),
            claimed_at=at(claimed) if claimed else None,
        )
    return {"lab": lab, "samr": samr}


def test_joint_cases_decided_on_time(coordination):
    # Lab took part in J1 (on time), J2 (late), J3 (on time); J4 had no one assisting, J5 is November's.
    assert value("joint_on_time", coordination["lab"]) == pytest.approx(2 / 3)
    # 市场监管 assisted on J1 and J2 (its own led cases in October have no assisting task).
    assert value("joint_on_time", coordination["samr"]) == 0.5


def test_assisting_answers_within_their_limit(coordination):
    # T1 on time, T2 late, T3 open past due: 1 of 3.
    assert value("assist_on_time", coordination["lab"]) == pytest.approx(1 / 3)
    # On 10-24, T3 still had a day: it is not counted yet.
    assert value("assist_on_time", coordination["lab"], today=d("2026-10-24")) == 0.5


def test_claims_within_their_five_days(coordination):
    assert value("claim_on_time", coordination["lab"]) == pytest.approx(1 / 3)
    # On 11-05, N3 could still be claimed.
    assert value("claim_on_time", coordination["lab"], today=d("2026-11-05")) == 0.5


def test_granted_licences_pushed_to_supervisors(coordination):
    # J1 and J2 were granted in October and J1 alone reached a supervisor; J4 was denied.
    assert value("decision_push_rate", coordination["lab"]) == 0.5


def test_a_district_counts_every_department_under_it(coordination):
    haizhu = coordination["lab"].region
    # 海珠区's joint cases decided in October: J1, J2, J3.
    assert value("joint_on_time", region=haizhu) == pytest.approx(2 / 3)


def test_devolution_in_step_reads_the_devolution_findings(catalog_slice):
    """关联事项同步下放 (Shandong study: “我放他未放”): the share of the subject's items the 放权同步 check finds in
    step. One of the slice's four items found out of step (a prerequisite at a higher level) leaves ¾."""
    from django.utils import timezone

    from yiwang.catalog.models import DevolutionFinding, ItemImplementation

    items = sorted(ItemImplementation.objects.filter(department=catalog_slice).values_list("item_id", flat=True))
    assert value("devolution_in_step", catalog_slice) == 1.0
    DevolutionFinding.objects.create(
        item_id=items[0],
        kind=DevolutionFinding.Kind.PREREQUISITE_HIGHER,
        related_item_id=items[1],
        message="前置事项层级更高",
        found_at=timezone.now(),
    )
    assert value("devolution_in_step", catalog_slice) == 0.75

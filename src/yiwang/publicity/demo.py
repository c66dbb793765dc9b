"""Demo decisions for the 政务公开 pages, so 双公示 and the credit lists show something the day the demo is loaded.

Three walk-ins at 海珠区's hall, each applied for at the window, accepted, reviewed and granted through
cases.services by the departments' demo staff: a performance licence (营业性演出审批, an e-licence), a shop sign
(户外招牌设置审批, an e-licence) and a doctor's registration for a natural person (医师执业注册, no licence; the
person is masked when published). Two penalties through supervision.services: a fine decided some working days
before loading, entered late (so it is published late, 超期), and one that revokes the performance licence and
puts its holder on the serious-dishonesty list. One enterprise goes on the red list. Then the publication sweep
publishes the lot at once, as the worker would a moment later.

The parties are the demo's own (valid check digits, belonging to nobody) and not the personas' entities: a
penalty on 味道餐饮 would put a journey's applicant on the abnormal list. Loading again adds nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import Entity, Person
from yiwang.cases import services as cases
from yiwang.cases.demo import KEY as HISTORY_KEY
from yiwang.cases.models import Case
from yiwang.catalog.models import ItemImplementation
from yiwang.core.calendar import WorkCalendar
from yiwang.credit.services import credit_record_add
from yiwang.licences.services import licence_issue
from yiwang.org.models import Department, Region
from yiwang.supervision.models import Penalty
from yiwang.supervision.services import penalty_record
from yiwang.workflow.models import Task

from .models import Publication
from .services import publication_sweep

HAIZHU = "440105"
CLERK = "hz-gov_service-clerk"
STAGE = "星光文化传播"
SIGN = "老街坊餐饮店"
STAGE_ENTITY = ("91440105MA5D7XW10P", "广州市海珠区星光文化传播有限公司", "有限责任公司", "周九")
SIGN_ENTITY = ("92440105MA5F3LP80L", "广州市海珠区老街坊餐饮店", "个体工商户", "吴十")
RED_ENTITY = ("91440105MA5E2QN40G", "广州市海珠区诚信建材有限公司", "有限责任公司", "郑十一")
DOCTOR = ("陈小明", "440105198807162031")
FINE_NUMBER = "海综执罚〔2026〕8号"
REVOCATION_NUMBER = "海文旅罚〔2026〕3号"


def _entity(uscc: str, name: str, entity_type: str, legal_representative: str, region: Region) -> Entity:
    return Entity.objects.get_or_create(
        uscc=uscc,
        defaults={
            "name": name,
            "entity_type": entity_type,
            "legal_representative": legal_representative,
            "region": region,
            "address": f"广州市{region.name}",
        },
    )[0]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _walk_in_granted(code: str, *, person=None, entity=None, result_data: dict) -> Case:
    """Applied for at the window with paper materials, accepted, reviewed by every department on it, granted."""
    implementation = ItemImplementation.objects.get(code=f"{code}-{HAIZHU}")
    version = implementation.item.current_version
    clerk = _user(CLERK)
    case = cases.case_submit(
        actor=clerk,
        implementation=implementation,
        person=person,
        entity=entity,
        form_data=dict(version.form_example),
        uploads={spec.pk: (None, "") for spec in version.materials.filter(source="applicant")},
        channel=Case.Channel.WINDOW,
        delivery_method=Case.Delivery.ONLINE,
    )
    case = cases.case_accept(actor=clerk, case=case)
    for task in (
        case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION).select_related("department")
    ):
        reviewer = _user(f"hz-{task.department.kind.lower()}-reviewer")
        cases.task_claim(actor=reviewer, task=task)
        cases.task_complete(actor=reviewer, task=task, outcome="agree", opinion="材料齐全，符合法定条件")
    kind = case.department.kind.lower()
    decider = _user(f"hz-{kind}-reviewer")
    if version.needs_head:
        cases.case_propose(actor=decider, case=case, grant=True, reasons="符合法定条件，拟准予许可")
        decider = _user(f"hz-{kind}-head")
    return cases.case_decide(actor=decider, case=case, grant=True, result_data=result_data)


@transaction.atomic
def load_demo_decisions() -> int:
    """Load the demo's decisions and publish them; return how many were published (0 when already loaded)."""
    if Penalty.objects.filter(number=FINE_NUMBER).exists():
        return 0
    haizhu = Region.objects.get(code=HAIZHU)
    departments = {d.kind: d for d in Department.objects.filter(region=haizhu)}
    stage = _entity(*STAGE_ENTITY, haizhu)
    sign = _entity(*SIGN_ENTITY, haizhu)
    red = _entity(*RED_ENTITY, haizhu)
    doctor = Person.objects.get_or_create(id_number=DOCTOR[1], defaults={"name": DOCTOR[0], "region": haizhu})[0]

    performance = _walk_in_granted(
        "R046", entity=stage, result_data={"演出名称": "珠江夜色民乐专场", "演出场所": "海珠区滨江东路文化广场"}
    )
    signboard = _walk_in_granted(
        "R048", entity=sign, result_data={"招牌内容": "老街坊餐饮", "设置地点": "海珠区宝岗大道 112 号首层"}
    )
    _walk_in_granted("R012", person=doctor, result_data={"执业类别": "临床", "执业范围": "内科专业"})
    # The worker issues these a moment later (its consumer finds them issued); the penalty below needs one now.
    performance_licence = licence_issue(actor=None, case=performance)
    licence_issue(actor=None, case=signboard)

    today = timezone.localdate()
    calendar = WorkCalendar(haizhu)
    penalty_record(
        actor=_user("hz-urban-inspector"),
        entity=sign,
        department=departments["URBAN"],
        number=FINE_NUMBER,
        facts="擅自占用门前人行道摆卖，经责令改正后仍未改正",
        legal_basis="《城市道路管理条例》第二十七条第（一）项、第四十二条",
        kinds=["fine"],
        amount="500",
        decided_on=calendar.working_days_before(today, 10).date,
    )
    penalty_record(
        actor=_user("hz-culture-inspector"),
        entity=stage,
        department=departments["CULTURE"],
        number=REVOCATION_NUMBER,
        facts="演出内容与审批内容严重不符，且拒不改正",
        legal_basis="《营业性演出管理条例》",
        kinds=["fine"],
        amount="50000",
        decided_on=today,
        serious=True,
        revoke_licence=performance_licence,
    )
    credit_record_add(
        actor=None,
        entity=red,
        list_kind="red",
        department=departments["SAMR"],
        basis="《广东省社会信用条例》：守信激励",
        reason="连续三年纳税信用 A 级，无失信记录",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=335),
    )
    found = publication_sweep()
    _published_by_the_old_system()
    return found["published"] if found else 0


def _published_by_the_old_system() -> None:
    """The demo's year of past cases (cases.demo) was handed over from the old system, which published each licence
    the day after its decision; the sweep above could only publish them now, which would mark them all late."""
    handed_over = list(Publication.objects.filter(case__idempotency_key__startswith=HISTORY_KEY).select_related("case"))
    for publication in handed_over:
        publication.published_at = publication.case.decided_at + dt.timedelta(days=1)
        publication.late = False
    Publication.objects.bulk_update(handed_over, ["published_at", "late"], batch_size=500)

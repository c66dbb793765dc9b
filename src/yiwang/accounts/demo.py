"""Demo personas: staff of every role at every 海珠区 department, and a few citizens and enterprises."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from yiwang.org.models import Department, Region, StaffRole

from .models import Entity, Person, User

DEMO_PASSWORD = "yiwang-demo"
ROLES = ["clerk", "reviewer", "supervisor", "inspector", "admin"]

# Identity numbers and USCCs with valid check digits (made for the demo; they belong to nobody).
PERSONS = [
    ("citizen", "张三", "440105199001011239", "13800000001", "440105001"),
    ("citizen2", "李四", "440106198505052319", "13800000002", "440106"),
    ("citizen3", "王五", "440105200002290028", "13800000003", "440105003"),
]
ENTITIES = [
    (
        "enterprise",
        "广州市海珠区味道餐饮管理有限公司",
        "91440105MA59ABCD17",
        "赵六",
        "440105199003051234",
        "440105",
        ["餐饮服务", "食品销售"],
    ),
    (
        "enterprise2",
        "广州天河云帆科技有限公司",
        "91440106MA5CXY312D",
        "钱七",
        "440106199107124561",
        "440106",
        ["软件开发", "技术服务"],
    ),
]


def _user(username: str, display_name: str, password_hash: str, **extra) -> User:
    return User.objects.get_or_create(
        username=username, defaults={"display_name": display_name, "password": password_hash, **extra}
    )[0]


@transaction.atomic
def load_demo_people() -> list[tuple[str, str]]:
    """Create the personas; return (username, description) pairs for the console."""
    accounts: list[tuple[str, str]] = []
    # Hashed once: a hundred PBKDF2 rounds of the same password would take a minute and protect nothing.
    password_hash = make_password(DEMO_PASSWORD)
    haizhu = Region.objects.get(code="440105")
    guangzhou = Region.objects.get(code="440100")
    for dept in Department.objects.filter(region=haizhu).order_by("kind"):
        for role in ROLES:
            username = f"hz-{dept.kind.lower()}-{role}"
            user = _user(username, f"{dept.name}{StaffRole.Role(role).label}", password_hash, is_staff=role == "admin")
            StaffRole.objects.get_or_create(user=user, role=role, department=dept, defaults={"region": haizhu})
    for dept in Department.objects.filter(region=haizhu).order_by("kind"):
        user = _user(f"hz-{dept.kind.lower()}-head", f"{dept.name}负责人", password_hash)
        StaffRole.objects.get_or_create(user=user, role="head", department=dept, defaults={"region": haizhu})
    # 海珠区人民政府负责人, seated at the district's 政务服务 office: approves extending joint handling (第四十二条第二款).
    gov_head = _user("hz-gov-head", "海珠区人民政府负责人", password_hash)
    StaffRole.objects.get_or_create(
        user=gov_head,
        role="gov_head",
        department=Department.objects.get(region=haizhu, kind="GOV_SERVICE"),
        defaults={"region": haizhu},
    )
    for kind in ("SAMR", "HEALTH"):
        dept = Department.objects.get(region__code="440106", kind=kind)
        user = _user(f"th-{kind.lower()}-reviewer", f"天河区{dept.name}审批人员", password_hash)
        StaffRole.objects.get_or_create(user=user, role="reviewer", department=dept, defaults={"region": dept.region})
    # 12345: the district centre's operators sit at the 政务服务 department; every department has a liaison.
    hz_gov_service = Department.objects.get(region=haizhu, kind="GOV_SERVICE")
    for username, name in (
        ("hz-12345-operator", "海珠区12345话务员"),
        ("hz-12345-operator2", "海珠区12345话务员（二）"),
    ):
        user = _user(username, name, password_hash)
        StaffRole.objects.get_or_create(
            user=user, role="operator", department=hz_gov_service, defaults={"region": haizhu}
        )
    for dept in Department.objects.filter(region=haizhu).order_by("kind"):
        user = _user(f"hz-{dept.kind.lower()}-liaison", f"{dept.name}工单联络员", password_hash)
        StaffRole.objects.get_or_create(user=user, role="liaison", department=dept, defaults={"region": haizhu})
    # 南洲街道办事处's liaison: the office's work orders are filed under the district, so the role reaches it.
    nanzhou = Region.objects.get(code="440105001")
    nanzhou_office = Department.objects.get(region=nanzhou, kind=Department.STREET_OFFICE)
    user = _user("hz-nanzhou-liaison", f"{nanzhou_office.name}工单联络员", password_hash)
    StaffRole.objects.get_or_create(user=user, role="liaison", department=nanzhou_office, defaults={"region": haizhu})
    # 网格员 of 南洲街道: their reach is the street (its communities and cells).
    user = _user("hz-grid-worker", "南洲街道网格员", password_hash)
    StaffRole.objects.get_or_create(
        user=user, role="grid_worker", department=hz_gov_service, defaults={"region": nanzhou}
    )
    city_gov = Department.objects.get(region=guangzhou, kind="GOV_SERVICE")
    supervisor = _user("gz-supervisor", "广州市效能监察员", password_hash)
    StaffRole.objects.get_or_create(
        user=supervisor, role="supervisor", department=city_gov, defaults={"region": guangzhou}
    )
    # 第三方评估人员 engaged by the city: scores the evaluation rounds they are assigned to, and sees nothing else.
    evaluator = _user("gz-evaluator", "第三方评估机构评估员", password_hash)
    StaffRole.objects.get_or_create(
        user=evaluator, role="evaluator", department=city_gov, defaults={"region": guangzhou}
    )
    _user("admin", "平台管理员", password_hash, is_staff=True, is_superuser=True)
    accounts += [
        ("admin", "平台超级管理员（/admin/）"),
        ("hz-gov_service-clerk", "海珠区政务服务中心综合窗口人员"),
        ("hz-samr-reviewer", "海珠区市场监督管理局审批人员"),
        ("hz-health-reviewer", "海珠区卫生健康局审批人员"),
        ("hz-samr-head", "海珠区市场监督管理局负责人（审批决定）"),
        ("hz-gov-head", "海珠区人民政府负责人（批准联合办理的延期）"),
        ("hz-gov_service-admin", "海珠区事项目录管理员"),
        ("hz-gov_service-supervisor", "海珠区效能监察员"),
        ("th-samr-reviewer", "天河区市场监督管理局审批人员（看不到海珠区的数据）"),
        ("gz-supervisor", "广州市效能监察员（全市范围）"),
        ("gz-evaluator", "第三方评估人员（只看得到被指派的评估轮次）"),
        ("hz-12345-operator", "海珠区12345话务员（接听、答复、派单、回访）"),
        ("hz-urban-liaison", "海珠区城市管理和综合执法局工单联络员（签收、退单、答复）"),
        ("hz-nanzhou-liaison", "南洲街道办事处工单联络员（街道承办的工单）"),
        ("hz-grid-worker", "南洲街道网格员"),
        ("hz-<部门>-<角色>", "海珠区每个部门 × clerk/reviewer/supervisor/inspector/admin"),
    ]
    for username, name, id_number, phone, region_code in PERSONS:
        user = _user(username, name, password_hash, phone=phone, identity_level=User.IdentityLevel.WINDOW_VERIFIED)
        Person.objects.update_or_create(
            id_number=id_number,
            defaults={"user": user, "name": name, "phone": phone, "region": Region.objects.get(code=region_code)},
        )
        accounts.append((username, f"自然人 {name}"))
    for username, name, uscc, legal_rep, legal_rep_id, region_code, scope in ENTITIES:
        user = _user(username, f"{name}经办人", password_hash)
        entity, _ = Entity.objects.update_or_create(
            uscc=uscc,
            defaults={
                "name": name,
                "legal_representative": legal_rep,
                "legal_representative_id_number": legal_rep_id,
                "region": Region.objects.get(code=region_code),
                "business_scope": scope,
                "address": f"广州市{Region.objects.get(code=region_code).name}",
            },
        )
        entity.agents.add(user)
        accounts.append((username, f"企业经办人 · {name}"))
    return accounts

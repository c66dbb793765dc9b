"""Every staff URL, as every persona: no 5xx and no write on a GET; the page where the role has business, 404
where it has none (403 for a non-staff user, whom the staff pages turn away before looking anything up); every
workbench count equals the rows its page lists.

A new staff URL is one line in PAGES (a page to open) or ACTIONS (a form's target); a public one in PUBLIC.
`test_every_url_is_walked` fails for a URL listed nowhere.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.case_fixtures import PDF, food_form, uploads_for
from yiwang.accounts.models import User
from yiwang.cases import services
from yiwang.core.storage import store_upload
from yiwang.credit.services import credit_record_add
from yiwang.evaluation import services as evaluation
from yiwang.evaluation.models import EvaluationSystem, Indicator
from yiwang.grid.services import home_consent_record
from yiwang.hotline import services as hotline
from yiwang.org.models import Department, Region, ServiceCenter
from yiwang.ratings.services import rating_submit
from yiwang.workbench.queues import QUEUES
from yiwang.workflow.models import Task

pytestmark = pytest.mark.django_db

PERSONAS = {
    "citizen": "citizen",
    "enterprise_agent": "enterprise",
    "clerk": "hz-gov_service-clerk",
    "samr_reviewer": "hz-samr-reviewer",
    "health_reviewer": "hz-health-reviewer",
    "tianhe_reviewer": "th-samr-reviewer",
    "samr_head": "hz-samr-head",
    "supervisor": "hz-gov_service-supervisor",
    "catalog_admin": "hz-gov_service-admin",
    "operator": "hz-12345-operator",
    "urban_liaison": "hz-urban-liaison",
    "street_liaison": "hz-nanzhou-liaison",
    "grid_worker": "hz-grid-worker",
    "evaluator": "gz-evaluator",
    "superuser": "admin",
}
PUBLIC_USERS = frozenset({"citizen", "enterprise_agent"})
WRITES = ("INSERT", "UPDATE", "DELETE")
STAFF = frozenset(PERSONAS) - PUBLIC_USERS
# Who can see 海珠区's food-permit case: region-wide roles, the departments on it, the superuser.
SEES_CASE = frozenset({"clerk", "samr_reviewer", "samr_head", "supervisor", "catalog_admin", "superuser"})
# The hotline's roles hold no "view" over a district's cases, items or entities.
HOTLINE_ROLES = frozenset({"operator", "urban_liaison", "street_liaison", "grid_worker"})
# Who takes 12345 calls and works the centre's queues; who sees a work order dispatched to 城管.
OPERATES = frozenset({"operator", "superuser"})
SEES_WORK_ORDER = frozenset({"operator", "urban_liaison", "supervisor", "superuser"})
# Who may accept it (the desk's pages): the window, the implementing department's reviewers, the superuser.
ACCEPTS_CASE = frozenset({"clerk", "samr_reviewer", "superuser"})
# Who has the grid's map (grid_view over 海珠区 or, for the 网格员, over 南洲街道 where the walked cell lies).
GRID_VIEWERS = frozenset({"operator", "supervisor", "catalog_admin", "grid_worker", "superuser"})
# Who reads the district's 12345 monthly report: the centre and 效能监察 (hotline_view over the whole district).
READS_REPORT = frozenset({"operator", "supervisor", "superuser"})
# A 第三方评估人员 holds no "view" over a district's cases, items or entities: only the rounds assigned to them.
OUTSIDERS = HOTLINE_ROLES | {"evaluator"}
# Who opens the walk's evaluation round: 海珠区's administrator (evaluation_manage), the assigned evaluator, the
# superuser; who sets rounds up.
EVALUATES = frozenset({"catalog_admin", "evaluator", "superuser"})
MANAGES_EVALUATION = frozenset({"catalog_admin", "superuser"})
# Who edits the catalog (catalog_maintain): the administrators and the superuser.
EDITS_CATALOG = frozenset({"catalog_admin", "superuser"})


# Who reads the efficiency dashboards (insights_view): the district's 效能监察 and administrator the district's and
# its departments' pages, the food department's 负责人 their own department's only.
READS_DISTRICT = frozenset({"supervisor", "catalog_admin", "superuser"})
READS_INSIGHTS = READS_DISTRICT | {"samr_head"}


def INSIGHTS_DEPARTMENT(world):
    return {"code": world["proposed"].department.code}


def INSIGHTS_ITEM(world):
    return {"code": world["proposed"].department.code, "item_code": world["proposed"].item.code}


def INSIGHTS_REPORT(world):
    return {"code": world["proposed"].department.code, "month": timezone.localdate().strftime("%Y-%m")}


def REPORT(world):
    return {"region_code": "440105", "month": timezone.localdate().strftime("%Y-%m")}


@dataclass(frozen=True)
class Page:
    """A GET page: its URL arguments from the world's objects, and who gets 200 (other staff get `others`)."""

    kwargs: object = None  # world -> dict
    opens: frozenset = STAFF
    ok: int = 200  # what those in `opens` get (a page that needs a choice first redirects)
    others: int = 404
    public: int = 403  # what a non-staff user gets


def CENTER(world):
    return {"center": ServiceCenter.objects.get(region__code="440105").pk}


PAGES: dict[str, Page] = {
    "workbench:index": Page(),
    "workbench:acceptance": Page(),
    "workbench:decisions": Page(),
    "workbench:decision": Page(lambda w: {"number": w["proposed"].number}, frozenset({"samr_head", "superuser"})),
    "workbench:warnings": Page(),
    "workbench:orders": Page(),
    "workbench:tasks": Page(),
    "workbench:rectifications": Page(),
    "workbench:approvals": Page(),
    "workbench:supervision": Page(),
    "workbench:implementations": Page(),
    "workbench:implementation": Page(
        lambda w: {"code": "R005-440105"}, STAFF - {"tianhe_reviewer", "health_reviewer"} - OUTSIDERS
    ),
    "workbench:case": Page(lambda w: {"number": w["proposed"].number}, SEES_CASE),
    "workbench:material": Page(
        lambda w: {"number": w["proposed"].number, "pk": w["proposed"].materials.exclude(file_key="").first().pk},
        SEES_CASE,
    ),
    "workbench:deliveries": Page(),
    "desk:index": Page(),
    "desk:appointments": Page(),
    "desk:appointment_center": Page(CENTER, frozenset({"clerk", "catalog_admin", "superuser"})),
    "desk:intake": Page(lambda w: {"code": "R005-440105"}, ok=302),  # no walk-in chosen yet: back to the desk
    "desk:case": Page(lambda w: {"number": w["proposed"].number}, ACCEPTS_CASE),
    "desk:notice": Page(lambda w: {"number": w["proposed"].number}, ACCEPTS_CASE),
    "desk:outbox": Page(),
    "desk:rate": Page(lambda w: {"number": w["rated"].number}, ACCEPTS_CASE),
    "licences:manage": Page(),
    "licences:seals": Page(),
    "credit:records": Page(),
    # Credit is shared by every department of the region (一处失信、处处受限); another district sees none.
    "credit:entity": Page(lambda w: {"uscc": w["restaurant"].uscc}, STAFF - {"tianhe_reviewer"} - OUTSIDERS),
    "coordination:claims": Page(),
    "coordination:decisions": Page(),
    "supervision:penalties": Page(),
    "webhooks:deliveries": Page(),
    "hotline:operator": Page(opens=OPERATES),
    "hotline:queue": Page(lambda w: {"key": "pending"}, OPERATES),
    "hotline:inbox": Page(opens=frozenset({"urban_liaison", "street_liaison", "superuser"})),
    # Every liaison has the map of its own department's orders (南洲街道办事处's has none sent to it in the walk).
    "hotline:hotspots": Page(opens=SEES_WORK_ORDER | {"street_liaison"}),
    # A 老大难 hotspot owned by 城管: the centre, 效能监察 and 城管's liaison read it.
    "hotline:hotspot": Page(lambda w: {"pk": w["hotspot"].pk}, SEES_WORK_ORDER),
    "hotline:grid_report": Page(opens=frozenset({"grid_worker", "superuser"})),
    "hotline:order": Page(lambda w: {"number": w["work_order"].number}, SEES_WORK_ORDER),
    "hotline:attachment": Page(
        lambda w: {"number": w["work_order"].number, "pk": w["work_order"].attachments.get().pk}, SEES_WORK_ORDER
    ),
    "hotline:process_changes": Page(opens=SEES_WORK_ORDER | {"street_liaison"}),
    "hotline:reports": Page(opens=READS_REPORT),
    "hotline:report": Page(REPORT, READS_REPORT),
    "hotline:report_xlsx": Page(REPORT, READS_REPORT),
    "hotline:report_pdf": Page(REPORT, READS_REPORT),
    "insights:overview": Page(opens=READS_INSIGHTS),
    "insights:publications": Page(opens=READS_INSIGHTS),
    "insights:region": Page(lambda w: {"code": "440105"}, READS_DISTRICT),
    "insights:region_export": Page(lambda w: {"code": "440105"}, READS_DISTRICT),
    "insights:department": Page(INSIGHTS_DEPARTMENT, READS_INSIGHTS),
    "insights:department_export": Page(INSIGHTS_DEPARTMENT, READS_INSIGHTS),
    "insights:department_report": Page(INSIGHTS_REPORT, READS_INSIGHTS),
    "insights:item": Page(INSIGHTS_ITEM, READS_INSIGHTS),
    "insights:item_export": Page(INSIGHTS_ITEM, READS_INSIGHTS),
    "insights:cases": Page(INSIGHTS_ITEM, READS_INSIGHTS),
    "grid:mine": Page(opens=frozenset({"grid_worker", "superuser"})),
    "grid:map": Page(opens=GRID_VIEWERS),
    "grid:cells_geojson": Page(opens=GRID_VIEWERS),
    "grid:cell": Page(lambda w: {"code": "440105001001-001"}, GRID_VIEWERS),
    # No app registers a map layer yet: an unknown layer is a 404 for everyone on the staff.
    "grid:layer": Page(lambda w: {"key": "nothing"}, frozenset()),
    "grid:home_service": Page(opens=frozenset({"grid_worker", "superuser"})),
    "grid:consent_new": Page(opens=frozenset({"grid_worker", "superuser"})),
    # A consent is the recording 网格员's own: anyone else, the superuser too, gets the 404 of a missing one.
    "grid:consent": Page(lambda w: {"pk": w["consent"].pk}, frozenset({"grid_worker"})),
    "grid:home_apply": Page(lambda w: {"pk": w["consent"].pk, "code": "R042-440105"}, frozenset({"grid_worker"})),
    # Its signed form's scan: whoever's grid_work reaches the cell (the recording 网格员, the superuser).
    "grid:consent_scan": Page(lambda w: {"pk": w["consent"].pk}, frozenset({"grid_worker", "superuser"})),
    "evaluation:rounds": Page(opens=EVALUATES),
    "evaluation:round_new": Page(opens=MANAGES_EVALUATION),
    "evaluation:round": Page(lambda w: {"pk": w["evaluation"].pk}, EVALUATES),
    "evaluation:subject": Page(
        lambda w: {"pk": w["evaluation"].pk, "subject": w["evaluation"].subjects.first().pk}, EVALUATES
    ),
    # The evaluator's own evidence: theirs and the round's managers'.
    "evaluation:evidence": Page(lambda w: {"pk": w["evaluation"].pk, "score": w["evaluation_score"].pk}, EVALUATES),
    "evaluation:report_xlsx": Page(lambda w: {"pk": w["evaluation"].pk}, MANAGES_EVALUATION),
    "evaluation:report_pdf": Page(lambda w: {"pk": w["evaluation"].pk}, MANAGES_EVALUATION),
    "catalog:search_misses": Page(opens=EDITS_CATALOG),
}


# Form targets, with the shape of their URL arguments: a GET is refused (405), redirected or turned away (403),
# never a 5xx.
def NONE(world):
    return {}


def NUMBER(world):
    return {"number": world["proposed"].number}


def PK(world):
    return {"pk": 1}


def SPEC(world):
    return {"number": world["proposed"].number, "spec": 1}


def SUSPENSION(world):
    return {"number": world["proposed"].number, "pk": 1}


def DEPARTMENT(world):
    return {"department_id": 1}


def WORK_ORDER(world):
    return {"number": world["work_order"].number}


def HOTSPOT(world):
    return {"pk": world["hotspot"].pk}


def MILESTONE(world):
    return {"pk": world["hotspot"].milestones.get().pk}


def ROUND(world):
    return {"pk": world["evaluation"].pk}


def SCORE(world):
    subject = world["evaluation"].subjects.first()
    return {"pk": world["evaluation"].pk, "subject": subject.pk, "indicator": world["evaluation_score"].indicator_id}


ACTIONS = {
    "workbench:after_login": NONE,
    "workbench:case_accept": NUMBER,
    "workbench:case_correction": NUMBER,
    "workbench:case_refuse": NUMBER,
    "workbench:decision_sign": NUMBER,
    "workbench:case_propose": NUMBER,
    "workbench:task_claim": PK,
    "workbench:task_complete": PK,
    "workbench:case_decide": NUMBER,
    "workbench:case_suspension": NUMBER,
    "workbench:case_extension": NUMBER,
    "workbench:case_resume": NUMBER,
    "workbench:suspension_notice": SUSPENSION,  # a PDF of a suspension that does not exist: 404, never a 5xx
    "workbench:case_supervise": NUMBER,
    "workbench:suspension_approve": PK,
    "workbench:extension_approve": PK,
    "workbench:order_answer": PK,
    "workbench:rectification_answer": PK,
    "desk:call": NONE,
    "desk:finish": PK,
    "desk:applicant": NONE,
    "desk:applicant_clear": NONE,
    "desk:supply": SPEC,
    "desk:deliver": NUMBER,
    "desk:appointment_checkin": CENTER,
    "desk:appointment_slot_new": CENTER,
    "desk:appointment_generate": CENTER,
    "desk:appointment_slot_toggle": PK,
    "workbench:delivery_post": NUMBER,
    "licences:seal_rotate": DEPARTMENT,
    "licences:seal_revoke": PK,
    "credit:repair": PK,
    "coordination:claim": PK,
    "coordination:subscribe": NONE,
    "coordination:unsubscribe": PK,
    "webhooks:replay": PK,
    "desk:rating_code": NUMBER,
    "hotline:report_generate": NONE,
    "hotline:dispatch": WORK_ORDER,
    "hotline:sign": WORK_ORDER,
    "hotline:return": WORK_ORDER,
    "hotline:transfer": WORK_ORDER,
    "hotline:extension": WORK_ORDER,
    "hotline:extension_decide": PK,
    "hotline:reply": WORK_ORDER,
    "hotline:callback": WORK_ORDER,
    "hotline:callback_sms": WORK_ORDER,
    "hotline:supervise": WORK_ORDER,
    "hotline:supervision_answer": PK,
    "hotline:close": WORK_ORDER,
    "hotline:hotspot_assign": HOTSPOT,
    "hotline:hotspot_milestone_add": HOTSPOT,
    "hotline:hotspot_milestone_done": MILESTONE,
    "hotline:hotspot_resolve": HOTSPOT,
    "grid:consent_revoke": PK,
    "evaluation:round_open": ROUND,
    "evaluation:round_close": ROUND,
    "evaluation:score": SCORE,
}

# Pages for the public or for the applicant (walked by the portal's own tests).
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "licences:wallet",
    "licences:verify",
    "licences:manage_detail",
    "licences:pdf",
    "licences:bundle",
    "licences:public_bundle",
    "licences:issuers",
    "licences:issuers_json",
    "licences:root_pem",
    "licences:issuer_pem",
    "licences:renew",
    "credit:mine",
    "desk:kiosk",
    "registry:access_log",
    "coordination:told",
    "cases:apply",
    "cases:list",
    "cases:detail",
    "cases:resubmit",
    "cases:withdraw",
    "cases:supply",
    "cases:rate",
    "cases:rating_code",
    "cases:notifications",
    "cases:delivery",
    "cases:decision_pdf",
    "cases:suspension_notice",
    "accounts:account",
    "accounts:register",
    "accounts:password_reset",
    "accounts:password_change",
    "accounts:entity_bind",
    "accounts:entity_agents",
    "accounts:agent_revoke",
    "portal:progress",
    "display_mode",
    "portal:appointment_list",
    "portal:appointment_new",
    "portal:appointment_detail",
    "portal:appointment_cancel",
    "portal:home",
    "portal:search",
    "portal:suggest",
    "portal:person",
    "portal:enterprise",
    "portal:topic",
    "portal:departments",
    "portal:department",
    "portal:item",
    "portal:item_version",
    "portal:item_form_pdf",
    "portal:item_form_example_pdf",
    "portal:bundles",
    "portal:bundle",
    "portal:publicity",
    "portal:publications",
    "portal:publication",
    "portal:credit_lists",
    "portal:powers",
    "portal:power_list",
    "hotline:public_submit",
    "hotline:track",
    "hotline:callback_link",
    # 政务服务效能公开, walked by tests/insights/test_public.py.
    "insights:public_index",
    "insights:public_region",
    "insights:public_department",
}
# open311/ is an API in the GeoReport v2 shape, walked by tests/open311 with an independent client.
SKIPPED_PREFIXES = ("admin/", "api/", "o/", "i18n/", "open311/")


def _named_urls(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            yield from _named_urls(pattern.url_patterns, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            # An app included at "" whose own routes carry the prefix (open311's re_path "^open311/…").
            if (prefix + str(pattern.pattern)).lstrip("^").startswith(SKIPPED_PREFIXES):
                continue
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_walked():
    unlisted = sorted(set(_named_urls()) - set(PAGES) - set(ACTIONS) - PUBLIC)
    assert not unlisted, f"add each to PAGES, ACTIONS or PUBLIC in {__file__}: {unlisted}"


@pytest.fixture
def world(monday, enterprise_agent, restaurant, food_permit, clerk, samr_reviewer, supervisor):
    """A case awaiting acceptance, one awaiting the head's 审批 (red, with a 督办 order), one delivered and rated
    badly, one decided and waiting to be delivered: every queue has a row for someone."""

    def apply(key):
        return services.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit),
            idempotency_key=key,
        )

    def reviewed(case):
        case = services.case_accept(actor=clerk, case=case)
        urban = User.objects.get(username="hz-urban-reviewer")
        for task in case.tasks.filter(status__in=Task.OPEN_STATES).select_related("department"):
            who = samr_reviewer if task.department_id == case.department_id else urban
            services.task_complete(actor=who, task=task, outcome="agree", opinion="符合规定")
        return services.case_propose(actor=samr_reviewer, case=case, grant=True, reasons="符合法定条件")

    submitted = apply("walk-1")
    proposed = reviewed(apply("walk-2"))
    Task.objects.filter(case=proposed, role=Task.Role.DECISION).update(warning="red")
    services.supervision_order_issue(actor=supervisor, case=proposed, message="请加快办理", days=3)
    rated = reviewed(apply("walk-3"))
    rated = services.case_decide(actor=User.objects.get(username="hz-samr-head"), case=rated, grant=True)
    rated = services.case_deliver(actor=clerk, case=rated, method="window")
    rating_submit(actor=enterprise_agent, case=rated, score=1, comment="等了很久")
    decided = services.case_decide(
        actor=User.objects.get(username="hz-samr-head"), case=reviewed(apply("walk-4")), grant=True
    )
    credit_record_add(
        actor=None,
        entity=restaurant,
        list_kind="red",
        department=proposed.department,
        basis="《企业信息公示暂行条例》",
        reason="守信激励",
        starts_on=timezone.localdate(),
    )
    operator = User.objects.get(username="hz-12345-operator")
    haizhu = Region.objects.get(code="440105")
    work_order = hotline.order_dispatch(
        actor=operator,
        order=hotline.order_take(
            actor=operator,
            region=haizhu,
            kind="complaint",
            category="CITY-01",
            description="菜市场门口占道摆卖",
            caller_phone="13800138000",
            attachments=[SimpleUploadedFile("现场.pdf", PDF)],
        ),
        lead=Department.objects.get(region=haizhu, kind="URBAN"),
        handling="rectification",
    )
    chronic = hotline.order_dispatch(
        actor=operator,
        order=hotline.order_take(
            actor=operator,
            region=haizhu,
            kind="complaint",
            category="CITY-01",
            description="江南西路地铁站口长期有流动摊贩占道",
            caller_phone="13800138001",
        ),
        lead=Department.objects.get(region=haizhu, kind="URBAN"),
        handling="chronic",
    )
    hotline.hotspot_milestone_add(actor=operator, hotspot=chronic.hotspot, title="联合执法", due=timezone.localdate())
    grid_worker = User.objects.get(username="hz-grid-worker")
    consent = home_consent_record(
        actor=grid_worker,
        cell_code="440105001001-001",
        name="张三",
        id_number="440105199001011239",
        address="广州市海珠区南洲路 8 号",
        reason="elderly",
        method="signed",
        consent_form=store_upload(actor=grid_worker, data=PDF, field="consent_form", name="授权书.pdf"),
    )
    round_, score = _evaluated(haizhu)
    return {
        "evaluation": round_,
        "evaluation_score": score,
        "hotspot": chronic.hotspot,
        "consent": consent,
        "submitted": submitted,
        "proposed": proposed,
        "rated": rated,
        "decided": decided,
        "restaurant": restaurant,
        "work_order": work_order,
    }


def _evaluated(haizhu):
    """海珠区's coordination round over 市场监管 and 城管, scored by the city's evaluator (with evidence) and closed."""
    admin = User.objects.get(username=PERSONAS["catalog_admin"])
    evaluator = User.objects.get(username=PERSONAS["evaluator"])
    round_ = evaluation.round_create(
        actor=admin,
        system=EvaluationSystem.objects.get(code="coordination"),
        name="海珠区部门协同配合评估",
        region=haizhu,
        period=timezone.localdate().strftime("%Y-%m"),
        departments=Department.objects.filter(region=haizhu, kind__in=("SAMR", "URBAN")),
        evaluators=[evaluator],
    )
    round_ = evaluation.round_open(actor=admin, round_=round_)
    indicator = Indicator.objects.filter(dimension__system=round_.system, evidence_required=True).first()
    score = evaluation.score_save(
        actor=evaluator,
        round_=round_,
        subject=round_.subjects.first(),
        indicator=indicator,
        value="8",
        evidence=SimpleUploadedFile("核查记录.pdf", PDF, content_type="application/pdf"),
    )
    return evaluation.round_close(actor=admin, round_=round_), score


def _login(client, persona):
    client.force_login(User.objects.get(username=PERSONAS[persona]))
    return client


def _get(client, url: str, wrong: list[str]) -> int:
    """GET the page; a GET changes nothing, so any write but the session's is reported."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(WRITES) and "DJANGO_SESSION" not in sql:
            wrong.append(f"{url}: a GET wrote: {query['sql'][:120]}")
    return status


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_page_as(persona, world, client):
    _login(client, persona)
    wrong = []
    for name, page in PAGES.items():
        url = reverse(name, kwargs=page.kwargs(world) if page.kwargs else None)
        expected = page.public if persona in PUBLIC_USERS else page.ok if persona in page.opens else page.others
        status = _get(client, url, wrong)
        if status != expected:
            wrong.append(f"{name} {url}: {status}, expected {expected}")
    for name in sorted(ACTIONS):
        status = _get(client, reverse(name, kwargs=ACTIONS[name](world)), wrong)
        if status >= 500 or (persona not in PUBLIC_USERS and status not in (302, 404, 405)):
            wrong.append(f"{name} (GET on a form target): {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("persona", sorted(STAFF))
def test_every_count_equals_the_rows_its_page_lists(persona, world, client):
    _login(client, persona)
    landing = client.get("/workbench/").content.decode()
    counted = 0
    for queue in QUEUES:
        shown = f'data-count="{queue.key}">'
        if not queue.opens_for(User.objects.get(username=PERSONAS[persona])):
            assert shown not in landing and f'href="{queue.url}"' not in landing, queue.key
            continue
        count = int(landing.split(shown, 1)[1].split("<", 1)[0])
        rows = client.get(queue.url).content.decode().count("data-queue-row")
        assert count == rows, f"{queue.key}: landing says {count}, the page lists {rows}"
        counted += count
    if persona in ("clerk", "samr_reviewer", "samr_head", "supervisor", "superuser"):
        assert counted > 0, "the world left this persona nothing to do"


def test_the_walk_finds_the_queues_filled(world):
    """The world gives each queue at least one row for somebody: the count check above is not 0 == 0."""
    users = {p: User.objects.get(username=u) for p, u in PERSONAS.items()}
    for queue in QUEUES:
        assert any(queue.rows(actor=users[p]).exists() for p in STAFF), queue.key


def test_the_landing_keeps_its_queries_flat(world, client, django_assert_max_num_queries):
    _login(client, "superuser")
    with django_assert_max_num_queries(20):
        assert client.get("/workbench/").status_code == 200

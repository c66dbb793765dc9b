"""Builds the demo catalog from the project's own copy of the reference catalog (data/reference_catalog.yaml).

Every item becomes a ServiceItem whose code is its stable reference code (一事一码), with one published
version carrying the standard elements, and an implementation at each department of the right level.
"""

from importlib import resources

import yaml
from django.db import transaction

from yiwang.core.cache import cache_bump
from yiwang.org.models import Department, Region

from . import search
from .devolution import devolution_refresh
from .models import (
    ConstructionStage,
    DualNotificationRule,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    MaterialSpec,
    Referral,
    ServiceItem,
    Synonym,
    Topic,
)
from .services import bundle_save, item_version_publish

PERSON_ITEMS = {
    "R012",
    "R013",
    "R014",
    "R025",
    "R031",
    "R032",
    "R034",
    "R036",
    "R037",
    "R040",
    "R042",
    "R056",
    "R065",
    "R067",
}
PERSON_BUNDLES = {"B06"}
POPULAR_BUNDLES = {"B01", "B02", "B03", "B06"}

TOPICS = [
    ("P01", "生育收养", "person", ["R013", "R014", "R032", "R065"]),
    ("P02", "户籍身份", "person", ["R031", "R032", "R034"]),
    ("P03", "婚姻登记", "person", ["R040"]),
    ("P04", "就业创业", "person", ["R036", "R037", "R002"]),
    ("P05", "社会救助", "person", ["R042"]),
    ("P06", "住房与不动产", "person", ["R025", "R067"]),
    ("P07", "纳税缴费", "person", ["R056"]),
    ("P08", "医疗卫生", "person", ["R012", "R013"]),
    ("E01", "设立变更注销", "enterprise", ["R001", "R002", "R003", "R004", "R033", "R055"]),
    (
        "E02",
        "准营准办（行业许可）",
        "enterprise",
        [
            "R005",
            "R006",
            "R007",
            "R008",
            "R010",
            "R011",
            "R044",
            "R045",
            "R046",
            "R047",
            "R051",
            "R054",
            "R058",
            "R059",
            "R060",
            "R061",
            "R064",
        ],
    ),
    (
        "E03",
        "工程建设",
        "enterprise",
        [
            "R015",
            "R016",
            "R017",
            "R018",
            "R019",
            "R020",
            "R021",
            "R022",
            "R023",
            "R024",
            "R026",
            "R027",
            "R028",
            "R029",
            "R030",
        ],
    ),
    ("E04", "人力资源与社保", "enterprise", ["R035", "R038", "R039", "R066"]),
    ("E05", "环境与水务", "enterprise", ["R028", "R029", "R030", "R052", "R053"]),
    ("E06", "商务与贸易", "enterprise", ["R062", "R063"]),
    ("E07", "教育文化与社会组织", "enterprise", ["R041", "R043", "R046", "R057"]),
    ("E08", "城市管理", "enterprise", ["R048", "R049", "R050"]),
]

CONDITIONS = {
    "licensing": "申请人符合{basis}规定的条件；申请材料齐全、符合法定形式。",
    "confirmation": "申请人身份明确，所申请确认的事实清楚，材料齐全、符合法定形式。",
    "benefit": "申请人符合{basis}规定的给付条件，如实申报家庭收入和财产状况。",
    "filing": "申请人依法应当备案，备案材料齐全。",
    "public_service": "符合{basis}规定的服务对象，可直接申请。",
    "other": "申请人符合{basis}规定的条件。",
}
PROCESS = {
    True: "申请 → 受理 → 当场办结 → 送达（即办件）",
    False: "申请 → 受理（材料不全的一次性告知补正） → 审查 → 决定 → 制证送达",
}


def reference_data() -> dict:
    return yaml.safe_load(resources.files("yiwang.catalog").joinpath("data/reference_catalog.yaml").read_text("utf-8"))


def _yaml(name: str) -> dict:
    return yaml.safe_load(resources.files("yiwang.catalog").joinpath(f"data/{name}").read_text("utf-8")) or {}


PHONE = {
    "type": "string",
    "title": "联系电话",
    "pattern": r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
    "description": "手机号或带区号的固定电话",
}
ENTERPRISE_FORM = {
    "type": "object",
    "required": ["applicant_name", "uscc", "contact_name", "contact_phone"],
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "申请单位名称",
            "maxLength": 120,
            "x-group": "申请人信息",
            "x-prefill": "entity.name",
        },
        "uscc": {
            "type": "string",
            "title": "统一社会信用代码",
            "format": "uscc",
            "x-group": "申请人信息",
            "x-prefill": "entity.uscc",
        },
        "contact_name": {"type": "string", "title": "联系人", "maxLength": 60, "x-group": "联系方式"},
        "contact_phone": {**PHONE, "x-group": "联系方式", "x-prefill": "user.phone"},
        "address": {
            "type": "string",
            "title": "经营场所/项目地址",
            "maxLength": 200,
            "x-group": "联系方式",
            "x-prefill": "entity.address",
        },
        "description": {"type": "string", "title": "申请事项说明", "maxLength": 500, "x-group": "申请事项"},
    },
}
PERSON_FORM = {
    "type": "object",
    "required": ["applicant_name", "contact_phone"],
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "申请人姓名",
            "maxLength": 60,
            "x-group": "申请人信息",
            "x-prefill": "person.name",
        },
        "contact_phone": {**PHONE, "x-group": "联系方式", "x-prefill": "person.phone"},
        "address": {"type": "string", "title": "联系地址", "maxLength": 200, "x-group": "联系方式"},
        "description": {"type": "string", "title": "申请事项说明", "maxLength": 500, "x-group": "申请事项"},
    },
}


def form_schema_for(ref: str, audience: str, specific: dict) -> dict:
    """The item's own 申请表 from forms.yaml when it has one, else the generic form of its audience."""
    own = specific.get(ref) or {}
    if own.get("schema"):
        return own["schema"]
    return ENTERPRISE_FORM if audience == "enterprise" else PERSON_FORM


def form_example_for(ref: str, specific: dict) -> dict:
    """The filled 样表 that goes with the item's own form; the generic forms have none."""
    return (specific.get(ref) or {}).get("example") or {}


# Routine changes and filings the department lets one reviewer sign (单人审批); 即办 items (promised 0 days) are
# signed on the spot. Every other item goes from the reviewer's proposal to the 负责人's decision.
SINGLE_APPROVER_ITEMS = {"R003", "R004", "R009", "R018", "R067"}


def _sign_off(row: dict) -> str:
    if row["promised_days"] == 0:
        return ItemVersion.SignOff.INSTANT
    if row["ref"] in SINGLE_APPROVER_ITEMS:
        return ItemVersion.SignOff.SINGLE
    return ItemVersion.SignOff.HEAD


def _material(spec: list, licence_types: dict[str, LicenceType]) -> dict:
    name, required, source, *policies = spec
    row = {
        "name": name,
        "required": bool(required),
        "source": MaterialSpec.Source.APPLICANT,
        "tolerable": "容缺" in policies,
        "commitment": "承诺" in policies,
    }
    if source.startswith("licence:"):
        row.update(
            source=MaterialSpec.Source.LICENCE,
            licence_type=licence_types[source.split(":", 1)[1]],
            form=MaterialSpec.Form.ELECTRONIC,
        )
    elif source.startswith("shared:"):
        row.update(
            source=MaterialSpec.Source.SHARED, shared_source=source.split(":", 1)[1], form=MaterialSpec.Form.ELECTRONIC
        )
    elif "复印" in name:
        row["form"] = MaterialSpec.Form.COPY
    return row


@transaction.atomic
def load_catalog(data: dict, regions: dict[str, Region]) -> None:
    _load_catalog(data, regions)
    cache_bump("catalog")  # bulk writes send no post_save


def _load_catalog(data: dict, regions: dict[str, Region]) -> None:
    licence_types = {
        code: LicenceType.objects.update_or_create(code=code, defaults=spec)[0]
        for code, spec in data["licence_types"].items()
    }
    for term, expansions in _yaml("synonyms.yaml").items():
        Synonym.objects.update_or_create(term=term, defaults={"expansions": " ".join(expansions)})
    keywords = _yaml("item_keywords.yaml")
    english = _yaml("item_english.yaml")
    specific_forms = _yaml("forms.yaml")

    items: dict[str, ServiceItem] = {}
    for row in data["items"]:
        audience = "person" if row["ref"] in PERSON_ITEMS else "enterprise"
        item, _ = ServiceItem.objects.update_or_create(
            code=row["ref"],
            defaults={
                "name": row["name"],
                "name_en": english.get(row["ref"], {}).get("name", ""),
                "keywords_en": ", ".join(english.get(row["ref"], {}).get("keywords", [])),
                "kind": row["kind"],
                "department_kind": row["dept"],
                "level": row["level"],
                "audience": audience,
            },
        )
        items[row["ref"]] = item
    for row in data["items"]:
        item = items[row["ref"]]
        if item.current_version_id:
            continue
        instant = row["promised_days"] == 0
        version = ItemVersion.objects.create(
            item=item,
            number=1,
            legal_basis=row["legal_basis"],
            conditions=CONDITIONS[row["kind"]].format(basis=row["legal_basis"].split("；")[0]),
            process_outline=PROCESS[instant],
            form_schema=form_schema_for(row["ref"], item.audience, specific_forms),
            form_example=form_example_for(row["ref"], specific_forms),
            statutory_days=row["statutory_days"],
            promised_days=row["promised_days"],
            fee=row["fee"],
            online_depth=row["online_depth"],
            max_visits=row["max_visits"],
            sign_off=_sign_off(row),
            result_licence_type=licence_types.get(row.get("result")),
            result_description=licence_types[row["result"]].name if row.get("result") else "办理结果通知",
            keywords=" ".join(keywords.get(row["ref"], [])),
        )
        version.prerequisites.set([items[r] for r in row.get("prerequisites", [])])
        MaterialSpec.objects.bulk_create(
            MaterialSpec(version=version, position=i, **_material(m, licence_types))
            for i, m in enumerate(row["materials"], start=1)
        )
    # Published in dependency order, so each publication's cycle check sees its prerequisites already there.
    for ref in _prerequisite_order(data["items"]):
        item = items[ref]
        if not item.current_version_id:
            item_version_publish(actor=None, version=item.versions.get(number=1))
        _implement(item, regions)

    for row in data["bundles"]:
        bundle_save(
            actor=None,
            code=row["ref"],
            name=row["name"],
            name_en=english.get(row["ref"], {}).get("name", ""),
            keywords_en=", ".join(english.get(row["ref"], {}).get("keywords", [])),
            audience="person" if row["ref"] in PERSON_BUNDLES else "enterprise",
            items=[items[r] for r in row["items"]],
            promise=row.get("promise", ""),
            keywords=" ".join(keywords.get(row["ref"], [])),
            popular=row["ref"] in POPULAR_BUNDLES,
            description="、".join(items[r].name for r in row["items"]),
        )
    for position, (code, name, audience, refs) in enumerate(TOPICS, start=1):
        topic, _ = Topic.objects.update_or_create(
            code=code, defaults={"name": name, "audience": audience, "position": position}
        )
        topic.items.set([items[r] for r in refs])
    for position, row in enumerate(data["construction_stages"], start=1):
        stage, _ = ConstructionStage.objects.update_or_create(position=position, defaults={"name": row["stage"]})
        stage.items.set([items[r] for r in row["items"]])
    for row in data["dual_notification"]:
        DualNotificationRule.objects.update_or_create(
            activity=row["activity"], defaults={"item": items[row["item"]], "department_kind": row["dept"]}
        )
    for row in _yaml("elsewhere.yaml"):
        fields = {k: v for k, v in row.items() if k not in ("code", "keywords")}
        referral, _ = Referral.objects.update_or_create(
            code=row["code"], defaults={**fields, "keywords": " ".join(row["keywords"])}
        )
        search.index_referral(referral)
    # The implementations above were written after their items' publication checked them: check everything once.
    devolution_refresh(actor=None)


def _prerequisite_order(rows: list[dict]) -> list[str]:
    done: list[str] = []
    pending = {r["ref"]: set(r.get("prerequisites", [])) for r in rows}
    while pending:
        ready = sorted(ref for ref, needs in pending.items() if needs <= set(done))
        if not ready:
            raise ValueError(f"reference catalog has a prerequisite cycle among {sorted(pending)}")
        done.extend(ready)
        for ref in ready:
            del pending[ref]
    return done


def _implement(item: ServiceItem, regions: dict[str, Region]) -> None:
    """One implementation per department of the item's kind at its level (town items: the county office)."""
    level = "county" if item.level == "town" else item.level
    for dept in Department.objects.filter(kind=item.department_kind, region__level=level).select_related("region"):
        center = dept.region.centers.first()
        place = center.name if center else dept.name
        if item.level == "town":
            place = "各街道党群服务中心（便民服务窗口）"
        ItemImplementation.objects.get_or_create(
            item=item,
            department=dept,
            defaults={
                "place": place,
                "hours": center.hours if center else "",
                "consultation_phone": "020-12345",
                "complaint_phone": "12345",
            },
        )

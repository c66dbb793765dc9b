"""Synthetic published items (G00001…) for load and search benchmarks (`yiwang demo --items 10000`).

Names are built from what departments really regulate and what citizens really apply for, crossed with
the actions and qualifiers the national catalog uses ("餐饮服务许可（延续）（告知承诺制）"), so they share
words with the reference items and genuinely compete with them in search.
"""

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from yiwang.core.cache import cache_bump
from yiwang.org.models import Department

from .models import ItemVersion, MaterialSpec, SearchEntry, SearchTerm, ServiceItem
from .search.index import item_terms

CODE_PREFIX = "G"
BATCH = 1000

# Department kind → what it regulates for enterprises and organisations.
ENTERPRISE_SUBJECTS = {
    "SAMR": [
        "食品小作坊",
        "食品摊贩",
        "餐饮服务",
        "网络餐饮服务",
        "集体用餐配送",
        "保健食品销售",
        "婴幼儿配方乳粉销售",
        "第二类医疗器械经营",
        "化妆品生产",
        "药品批发",
        "计量器具",
        "工业产品生产",
        "特种设备安装",
        "广告发布",
        "农民专业合作社",
        "外商投资企业",
        "合伙企业",
        "个人独资企业",
        "分公司",
        "电子商务经营",
        "二手车交易市场",
    ],
    "COMMERCE": [
        "拍卖企业",
        "典当行",
        "成品油零售",
        "酒类零售",
        "再生资源回收",
        "报废机动车回收",
        "单用途预付卡",
        "对外劳务合作",
        "技术进出口合同",
    ],
    "TRANSPORT": ["出租汽车经营", "网约车经营", "驾驶员培训", "机动车维修", "道路旅客运输", "港口经营"],
    "HOUSING": ["建筑施工企业安全生产", "房地产开发企业", "物业服务企业", "房屋租赁", "燃气经营", "建筑起重机械"],
    "URBAN": ["户外广告设施", "城市道路挖掘", "渣土运输", "城市绿地占用", "建筑垃圾消纳场"],
    "HEALTH": ["医疗美容", "放射诊疗", "母婴保健技术服务", "职业卫生技术服务", "二次供水卫生", "游泳场所卫生"],
    "CULTURE": [
        "歌舞娱乐场所",
        "游艺娱乐场所",
        "演出经纪机构",
        "网络文化经营",
        "出版物零售",
        "印刷经营",
        "电影放映",
        "高危险性体育项目",
    ],
    "EMERGENCY": ["危险化学品使用", "烟花爆竹零售", "非药品类易制毒化学品", "安全生产标准化"],
    "WATER": ["建设项目水土保持", "河道采砂", "取水工程", "排水户"],
    "AGRI": ["种子生产经营", "肥料登记", "动物防疫条件", "生猪定点屠宰", "水产苗种生产", "饲料生产", "兽医诊疗机构"],
    "EDU": ["民办职业培训学校", "民办幼儿园", "校外托管机构"],
    "HRSS": ["人力资源服务机构", "劳务派遣单位", "特殊工时制度", "职业技能等级认定"],
    "CIVIL": ["养老服务机构", "殡葬服务", "慈善组织", "民办非企业单位", "基金会", "社会团体分支机构"],
    "TAX": ["增值税专用发票", "税务登记", "纳税信用", "跨区域涉税事项", "出口退税"],
    "ECO": ["排污单位", "固体废物跨省转移", "辐射安全", "清洁生产审核"],
    "PSB": ["保安服务公司", "旅馆业特种行业", "公章刻制业特种行业", "互联网信息服务"],
    "MEDICAL_INS": ["医保定点医疗机构", "医保结算"],
    "HOUSING_FUND": ["公积金缴存基数", "公积金单位信息"],
}
ENTERPRISE_ACTIONS = [
    ("许可（新办）", "licensing"),
    ("许可（延续）", "licensing"),
    ("许可（变更）", "licensing"),
    ("许可（注销）", "licensing"),
    ("许可（补证）", "licensing"),
    ("备案", "filing"),
    ("备案变更", "filing"),
    ("登记", "confirmation"),
    ("变更登记", "confirmation"),
    ("注销登记", "confirmation"),
    ("核准", "licensing"),
    ("审批", "licensing"),
    ("年度报告公示", "public_service"),
    ("资质认定", "confirmation"),
    ("监督检查", "other"),
    ("信用修复", "public_service"),
    ("补贴申领", "benefit"),
    ("证明开具", "public_service"),
    ("信息查询", "public_service"),
    ("延续审批", "licensing"),
]
# Department kind → what citizens apply for in their own name.
PERSON_SUBJECTS = {
    "PSB": [
        "居民身份证",
        "临时居民身份证",
        "居住证",
        "户口簿",
        "户籍证明",
        "出入境证件",
        "港澳通行证",
        "普通护照",
        "机动车驾驶证",
        "机动车行驶证",
        "犬只登记",
    ],
    "CIVIL": [
        "婚姻状况证明",
        "收养登记",
        "离婚登记",
        "残疾人证",
        "老年人优待证",
        "特困人员供养",
        "临时救助",
        "高龄津贴",
        "困难残疾人生活补贴",
        "孤儿基本生活费",
        "殡葬补贴",
    ],
    "HEALTH": ["生育登记", "独生子女父母光荣证", "流动人口婚育证明"],
    "HRSS": [
        "社会保障卡",
        "城乡居民养老保险",
        "职工基本养老保险",
        "失业保险金",
        "工伤认定",
        "职业资格证书",
        "高校毕业生就业",
        "灵活就业人员社保",
        "创业担保贷款",
    ],
    "MEDICAL_INS": ["城乡居民医保", "医保异地就医", "门诊特定病种"],
    "HOUSING_FUND": ["住房公积金个人账户", "公积金贷款"],
    "HOUSING": ["公租房", "住房保障", "租房补贴", "房屋交易备案"],
    "PLANNING": ["不动产抵押", "不动产查封"],
    "EDU": ["义务教育入学", "学籍", "教师资格"],
    "TAX": ["个人所得税专项附加扣除"],
}
PERSON_ACTIONS = [
    ("申领", "public_service"),
    ("补领", "public_service"),
    ("换领", "confirmation"),
    ("挂失", "public_service"),
    ("办理", "public_service"),
    ("变更", "confirmation"),
    ("注销", "confirmation"),
    ("查询", "public_service"),
    ("证明开具", "public_service"),
    ("资格认定", "confirmation"),
    ("申请", "benefit"),
    ("转移接续", "public_service"),
    ("信息变更", "public_service"),
    ("待遇申领", "benefit"),
    ("年审", "other"),
]
# Real catalog qualifiers; each pass over the combinations adds the next one, so small counts stay plain.
QUALIFIERS = ["", "（告知承诺制）", "（跨省通办）", "（市级权限）", "（容缺受理）"]


def _combinations() -> list[tuple[str, str, str, str]]:
    """(name, kind, department kind, audience) for every subject × action, enterprise and person interleaved."""
    rows = []
    for subjects, actions, audience in (
        (ENTERPRISE_SUBJECTS, ENTERPRISE_ACTIONS, "enterprise"),
        (PERSON_SUBJECTS, PERSON_ACTIONS, "person"),
    ):
        for action, kind in actions:
            for dept, names in subjects.items():
                rows.extend((subject + action, kind, dept, audience) for subject in names)
    return rows


def _specs(count: int):
    """The first `count` synthetic items, numbered from 1; the numbering is stable, so codes are too."""
    base = _combinations()
    for n in range(1, count + 1):
        name, kind, dept, audience = base[(n - 1) % len(base)]
        cycle = (n - 1) // len(base)
        qualifier = QUALIFIERS[cycle % len(QUALIFIERS)]
        batch = f"（第{cycle // len(QUALIFIERS) + 1}批）" if cycle >= len(QUALIFIERS) else ""
        yield f"{CODE_PREFIX}{n:05d}", f"{name}{qualifier}{batch}", kind, dept, audience


@transaction.atomic
def generate_items(*, count: int) -> int:
    """Create the synthetic items G00001…G{count} that do not exist yet, published and indexed.

    Returns how many were created (0 when run again with the same count), so `yiwang demo` can be rerun.
    """
    existing = set(ServiceItem.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True))
    specs = [s for s in _specs(count) if s[0] not in existing]
    if not specs:
        return 0
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                code=code, name=name, kind=kind, department_kind=dept, level=ServiceItem.Level.COUNTY, audience=audience
            )
            for code, name, kind, dept, audience in specs
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    # bulk_create skips ItemVersion.save(), whose guard is for edits of published rows, not their creation.
    versions = ItemVersion.objects.bulk_create(
        [
            ItemVersion(
                item=item,
                number=1,
                status=ItemVersion.Status.PUBLISHED,
                published_at=now,
                legal_basis="《中华人民共和国行政许可法》第十二条",
                promised_days=5,
                statutory_days=20,
                online_depth=4,
                max_visits=0,
                result_description="办理结果通知",
            )
            for item in items
        ],
        batch_size=BATCH,
    )
    material_names = [f"{item.name.split('（')[0]}申请表" for item in items]
    MaterialSpec.objects.bulk_create(
        [
            MaterialSpec(version=version, position=1, name=material)
            for version, material in zip(versions, material_names, strict=True)
        ],
        batch_size=BATCH,
    )
    ServiceItem.objects.filter(code__startswith=CODE_PREFIX, current_version=None).update(
        current_version=Subquery(ItemVersion.objects.filter(item=OuterRef("pk"), number=1).values("pk")[:1])
    )
    entries = SearchEntry.objects.bulk_create(
        [SearchEntry(kind=SearchEntry.Kind.ITEM, item=item, title=item.name) for item in items], batch_size=BATCH
    )
    # Plain multi-row INSERTs: building 200,000 SearchTerm instances would cost more than the inserts.
    departments = dict(Department.objects.values_list("kind", "name"))
    rows = [
        (entry.pk, term, weight)
        for entry, item, material in zip(entries, items, material_names, strict=True)
        for term, weight in item_terms(
            name=item.name, keywords="", materials=[material], department=departments.get(item.department_kind, "")
        ).items()
    ]
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {table} (entry_id, term, weight) VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))}",
                [value for row in chunk for value in row],
            )
    cache_bump("catalog")  # bulk writes send no post_save
    return len(items)

"""Public catalog API: items (list, filter, search, detail with the current published version) and bundles."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yiwang.core.api_schemas import BoundedPagination, Text, answers
from yiwang.core.auth import staff_auth

from . import search as catalog_search
from . import selectors

router = Router(tags=["事项目录"])


class MaterialOut(Schema):
    position: int
    name: str
    required: bool
    form: str
    source: str
    licence_type: str | None = Field(None, description="来源为电子证照时的证照类型编码")
    shared_source: str
    tolerable: bool = Field(description="可容缺：主要材料齐全时可先行受理、限期补齐")
    commitment: bool = Field(description="可告知承诺：申请人书面承诺后可不再提交")
    exempt: bool = Field(description="免提交：由共享数据提供，申请人无需提交")
    from_licence: bool = Field(description="持有有效电子证照的自动调取、无需提交；未查到时须提交")

    @staticmethod
    def resolve_licence_type(obj):
        return obj.licence_type.code if obj.licence_type_id else None

    @staticmethod
    def resolve_exempt(obj):
        return obj.is_exempt

    @staticmethod
    def resolve_from_licence(obj):
        return obj.from_licence


class VersionOut(Schema):
    number: int
    published_at: str | None
    legal_basis: str
    conditions: str
    process_outline: str
    form_schema: dict
    form_example: dict = Field(description="按申请表填好的样表；空对象表示没有样表")
    statutory_days: int = Field(description="法定时限（工作日）；未规定时为行政许可法第四十二条的 20 个工作日")
    promised_days: int = Field(description="承诺时限（工作日）；0 为即办件")
    fee: str
    online_depth: int
    max_visits: int
    result_licence_type: str | None
    result_description: str
    prerequisites: list[str]
    materials: list[MaterialOut]

    @staticmethod
    def resolve_published_at(obj):
        return obj.published_at.isoformat() if obj.published_at else None

    @staticmethod
    def resolve_statutory_days(obj):
        return obj.effective_statutory_days

    @staticmethod
    def resolve_result_licence_type(obj):
        return obj.result_licence_type.code if obj.result_licence_type_id else None

    @staticmethod
    def resolve_prerequisites(obj):
        return [p.code for p in obj.prerequisites.all()]

    @staticmethod
    def resolve_materials(obj):
        return list(obj.materials.all())


class ItemOut(Schema):
    code: str
    name: str
    kind: str
    department_kind: str
    level: str
    audience: str
    promised_days: int
    online_depth: int

    @staticmethod
    def resolve_promised_days(obj):
        return obj.current_version.promised_days

    @staticmethod
    def resolve_online_depth(obj):
        return obj.current_version.online_depth


class ImplementationOut(Schema):
    code: str
    department: str
    region_code: str
    promised_days: int | None
    place: str
    hours: str
    consultation_phone: str
    complaint_phone: str

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_region_code(obj):
        return obj.department.region.code


class ItemDetailOut(Schema):
    code: str
    name: str
    kind: str
    department_kind: str
    level: str
    audience: str
    version: VersionOut
    implementations: list[ImplementationOut]


class BundleOut(Schema):
    code: str
    name: str
    audience: str
    promise: str
    items: list[str] = Field(description="事项编码，前置事项在前")


class SearchHitOut(Schema):
    kind: str
    code: str
    title: str
    title_en: str = Field("", description="英文名称（有译名时）")
    score: float


@router.get(
    "/items", response=answers(list[ItemOut]), summary="事项列表（可按类型、部门类别、服务对象、主题、区划筛选）"
)
@paginate(BoundedPagination)
def items(
    request,
    kind: Text | None = None,
    department_kind: Text | None = None,
    audience: Text | None = None,
    topic: Text | None = None,
    region: Text | None = None,
):
    return selectors.item_list(
        kind=kind, department_kind=department_kind, audience=audience, topic=topic, region_code=region
    )


@router.get("/items/{code}", response=answers(ItemDetailOut, 404), summary="事项详情（现行发布版本）")
def item(request, code: Text, version: int | None = None):
    found, found_version = selectors.item_guide(code=code, version_number=version)
    return {
        "code": found.code,
        "name": found.name,
        "kind": found.kind,
        "department_kind": found.department_kind,
        "level": found.level,
        "audience": found.audience,
        "version": found_version,
        "implementations": list(selectors.item_implementations(item=found)),
    }


class SearchQuery(Schema):
    q: Text = Field(..., max_length=200, description="群众说法，如“开饭店要办哪些证”“sfz”")
    limit: int = Field(10, ge=1, le=50)


@router.get("/search", response=answers(list[SearchHitOut]), summary="按群众说法检索事项和一件事（一起排序）")
def search(request, params: Query[SearchQuery]):
    return catalog_search.search(params.q, limit=params.limit)


class ReferralOut(Schema):
    code: str
    need: str
    need_en: str
    where: str
    where_en: str
    how: str
    how_en: str
    phone: str


class SearchAnswerOut(Schema):
    outcome: str = Field(
        description="answered：有确切结果；referral：非本平台事项，见 referral；weak：仅有弱相关结果，见 suggestions；"
        "none：无结果"
    )
    hits: list[SearchHitOut]
    referral: ReferralOut | None = None
    suggestions: list[SearchHitOut] = Field(description="“您是不是要找”：不作为答案展示")


@router.get(
    "/search/answer",
    response=answers(SearchAnswerOut),
    summary="按群众说法检索，并如实告知：有确切结果、非本平台事项（去哪里办）或仅有弱相关结果",
)
def search_answer(request, params: Query[SearchQuery]):
    return catalog_search.answer(params.q, limit=params.limit)


@router.get("/bundles", response=answers(list[BundleOut]), summary="一件事列表")
def bundles(request, audience: Text | None = None):
    return [_bundle_out(b, [e.item for e in b.entries.all()]) for b in selectors.bundle_list(audience=audience)]


@router.get("/bundles/{code}", response=answers(BundleOut, 404), summary="一件事详情")
def bundle(request, code: Text):
    found, ordered = selectors.bundle_detail(code=code)
    return _bundle_out(found, ordered)


def _bundle_out(bundle, items) -> dict:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "audience": bundle.audience,
        "promise": bundle.promise,
        "items": [i.code for i in items],
    }


@router.get(
    "/staff/implementations",
    response=answers(list[ImplementationOut], 401),
    auth=staff_auth,
    summary="本人可见的实施清单（按区划与部门过滤）",
)
@paginate(BoundedPagination)
def staff_implementations(request):
    return selectors.staff_implementation_list(actor=request.auth)


@router.get(
    "/staff/implementations/{code}",
    response=answers(ImplementationOut, 401, 404),
    auth=staff_auth,
    summary="实施清单（不可见与不存在同样返回 404）",
)
def staff_implementation(request, code: Text):
    return selectors.staff_implementation(actor=request.auth, code=code)

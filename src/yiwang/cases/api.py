"""Cases, tasks, materials and ratings under /api/v1, for applicants and staff, by session or API token.

Every read goes through a selector restricted to the actor (the applicant's own cases, or restrict() for
staff); every write is one service call. Missing and forbidden answer the same 404.
"""

import datetime as dt
import math
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Header, Path, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AfterValidator

from yiwang.core.api_schemas import BoundedPagination, ErrorOut, Text, answers
from yiwang.core.auth import session_or_token
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import ValidationFailed
from yiwang.core.storage import clean_filename, store_uploaded_file, stored
from yiwang.org.models import ServiceCenter
from yiwang.ratings.services import rating_submit

from . import clock, selectors, services

router = Router(tags=["办件"], auth=session_or_token)


def _storable(value):
    """JSON PostgreSQL can hold: no NUL in any string, no NaN or infinity."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("non-finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    if isinstance(value, list):
        for item in value:
            _storable(item)
    return value


JsonObject = Annotated[dict, AfterValidator(_storable)]
StoredKey = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="POST /materials 返回的文件 key")]
CaseNumber = Annotated[Text, Path(max_length=30, description="办件编号")]
TaskId = Annotated[int, Path(ge=1, le=2**63 - 1)]


# --- answers -------------------------------------------------------------------------------------------


class StoredFileOut(Schema):
    key: str
    content_type: str
    size: int


class DeadlineOut(Schema):
    date: dt.date | None
    provisional: bool = Field(description="期限跨入节假日尚未公布的年份，为临时计算")


class DeadlinesOut(Schema):
    acceptance: DeadlineOut = Field(description="受理期限（行政许可法第三十二条）")
    promised: DeadlineOut = Field(description="承诺办结期限")
    statutory: DeadlineOut = Field(description="法定办结期限")


class LogOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    status_from: str
    status_to: str
    note: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_label


class TaskOut(Schema):
    id: int
    case: str
    department: str
    role: str
    status: str
    status_label: str
    opened_on: dt.date
    due_on: dt.date
    due_provisional: bool
    warning: str
    assignee: str | None
    opinion: str

    @staticmethod
    def resolve_case(obj):
        return obj.case.number

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_assignee(obj):
        return str(obj.assignee) if obj.assignee_id else None


class CaseMaterialOut(Schema):
    spec: int
    name: str
    provided: str = Field(description="uploaded/window/licence/shared；deferred 为容缺待补齐，commitment 为告知承诺")
    filename: str
    content_type: str
    size: int
    due_on: str | None = Field(None, description="容缺材料的补齐期限")
    licence: str | None = Field(None, description="调取的电子证照编号")

    @staticmethod
    def resolve_due_on(obj):
        return obj.due_on.isoformat() if obj.due_on else None

    @staticmethod
    def resolve_licence(obj):
        return obj.licence.number if obj.licence_id else None

    @staticmethod
    def resolve_spec(obj):
        return obj.spec_id

    @staticmethod
    def resolve_name(obj):
        return obj.spec.name


class CorrectionOut(Schema):
    points: list[str]
    issued_at: dt.datetime
    answered_at: dt.datetime | None


class RatingOut(Schema):
    score: int
    score_label: str
    reasons: list[str]
    comment: str
    channel: str
    created_at: dt.datetime

    @staticmethod
    def resolve_score_label(obj):
        return str(obj.score_label)


class CaseOut(Schema):
    number: str
    status: str
    status_label: str
    item: str
    item_name: str
    implementation: str
    department: str
    applicant: str
    channel: str
    received_on: dt.date
    due_on: dt.date | None
    warning: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_item(obj):
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_implementation(obj):
        return obj.implementation.code

    @staticmethod
    def resolve_department(obj):
        return str(obj.department)

    @staticmethod
    def resolve_applicant(obj):
        return str(obj.applicant)


class CaseDetailOut(CaseOut):
    delivery_method: str
    delivery_recipient: str
    delivery_phone: str
    delivery_address: str
    pickup_center: str | None
    tracking_number: str
    delivery_due: dt.date | None = Field(description="送达期限（行政许可法第四十四条：决定后十个工作日）")
    delivered_at: dt.datetime | None
    form_data: dict
    promised_days: int
    statutory_days: int
    extension_days: int
    suspended_days: int
    deadlines: DeadlinesOut
    decision_reasons: str
    result_data: dict
    closed_reason: str
    timeline: list[LogOut]
    tasks: list[TaskOut]
    materials: list[CaseMaterialOut]
    corrections: list[CorrectionOut]
    rating: RatingOut | None

    @staticmethod
    def resolve_deadlines(obj):
        acceptance = clock.acceptance_deadline(obj.received_on, WorkCalendar(obj.region))
        return {
            "acceptance": {"date": obj.acceptance_due, "provisional": acceptance.provisional},
            "promised": {"date": obj.due_on, "provisional": obj.due_provisional},
            "statutory": {"date": obj.statutory_due_on, "provisional": obj.due_provisional},
        }

    @staticmethod
    def resolve_pickup_center(obj):
        return obj.pickup_center.name if obj.pickup_center_id else None

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.log.all())

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.all())

    @staticmethod
    def resolve_materials(obj):
        return list(obj.materials.all())

    @staticmethod
    def resolve_corrections(obj):
        return list(obj.corrections.all())

    @staticmethod
    def resolve_rating(obj):
        return getattr(obj, "rating", None)


# --- input ---------------------------------------------------------------------------------------------


class MaterialIn(Schema):
    spec: int = Field(ge=1, le=2**63 - 1, description="事项材料（MaterialSpec）id")
    key: StoredKey
    filename: Text = Field(..., min_length=1, max_length=200)


class SubmissionIn(Schema):
    implementation: Text = Field(..., max_length=40, description="实施清单编码，如 R005-440105")
    person: Text | None = Field(None, max_length=18, description="自然人申请人的居民身份证号码（本人）")
    entity: Text | None = Field(None, max_length=18, description="法人申请人的统一社会信用代码（本人为其经办人）")
    form: JsonObject = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list)
    commitments: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=50, description="以告知承诺替代的事项材料 id（须为可告知承诺的材料）"
    )
    delivery_method: Literal["online", "window", "post"] = "online"
    delivery_recipient: Text = Field("", max_length=60, description="邮寄送达：收件人")
    delivery_phone: Text = Field("", max_length=20, description="邮寄送达：收件人电话（手机或带区号的固定电话）")
    delivery_address: Text = Field("", max_length=200, description="邮寄送达：邮寄地址")
    pickup_center: int | None = Field(
        None, ge=1, le=2**63 - 1, description="窗口领取：领取结果的政务服务中心 id（本区划或上级区划的）"
    )


class CorrectionIn(Schema):
    points: list[Annotated[Text, Field(max_length=500)]] = Field(..., max_length=100)


class RefusalIn(Schema):
    reasons: Text = Field(..., max_length=2000)


class WithdrawalIn(Schema):
    reason: Text = Field("", max_length=2000)


class ResubmissionIn(Schema):
    form: JsonObject | None = None
    materials: list[MaterialIn] | None = None


class DecisionIn(Schema):
    grant: bool
    reasons: Text = Field("", max_length=4000)
    result_data: JsonObject = Field(default_factory=dict)


class ProposalIn(Schema):
    grant: bool
    reasons: Text = Field(max_length=4000)


class DeliveryIn(Schema):
    method: Literal["online", "window", "post"] | None = None
    tracking_number: Text = Field("", max_length=40, description="邮寄送达：邮件单号")


class DeliveryDetailsIn(Schema):
    method: Literal["online", "window", "post"]
    recipient: Text = Field("", max_length=60)
    phone: Text = Field("", max_length=20)
    address: Text = Field("", max_length=200)
    pickup_center: int | None = Field(None, ge=1, le=2**63 - 1)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5, description="1 非常不满意 … 5 非常满意")
    reasons: list[Annotated[Text, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    comment: Text = Field("", max_length=2000)


class CompletionIn(Schema):
    outcome: Literal["agree", "disagree", "return", "answer"]
    opinion: Text = Field(..., max_length=4000)
    points: list[Annotated[Text, Field(max_length=500)]] | None = Field(None, max_length=100)


def _pickup_center(pk: int | None) -> ServiceCenter | None:
    if pk is None:
        return None
    found = ServiceCenter.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(fields={"pickup_center": [_("没有该政务服务中心")]})
    return found


def _uploads(materials: list[MaterialIn], field: str = "materials") -> dict:
    return {
        m.spec: (stored(key=m.key, field=f"{field}.{i}.key"), clean_filename(m.filename))
        for i, m in enumerate(materials)
    }


# --- operations ----------------------------------------------------------------------------------------

WRITE = (401, 403, 404, 409)


@router.post(
    "/materials",
    response={201: StoredFileOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="上传申请材料（按文件内容判断类型，限制大小）；返回的 key 用于申报与补正",
    # Only "file" is read; saying so keeps clients (and the fuzzer) from sending other parts.
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {"additionalProperties": False}}}}},
)
def material_upload(request, file: File[UploadedFile]):
    found = store_uploaded_file(actor=request.auth, file=file, field="file")
    return Status(201, found)


@router.post(
    "/cases",
    response={**answers(CaseDetailOut, *WRITE), 201: CaseDetailOut},
    summary="网上申报（须带 Idempotency-Key；重复提交返回首次的办件）",
)
def case_submit(
    request,
    payload: SubmissionIn,
    idempotency_key: Annotated[Text, Header(alias="Idempotency-Key", min_length=1, max_length=64)],
):
    actor = request.auth
    person, entity = selectors.applicant_for(actor, person=payload.person, entity=payload.entity)
    case = services.case_submit(
        actor=actor,
        implementation=selectors.implementation_by_code(payload.implementation),
        form_data=payload.form,
        person=person,
        entity=entity,
        uploads=_uploads(payload.materials),
        commitments=payload.commitments,
        delivery_method=payload.delivery_method,
        delivery_recipient=payload.delivery_recipient,
        delivery_phone=payload.delivery_phone,
        delivery_address=payload.delivery_address,
        pickup_center=_pickup_center(payload.pickup_center),
        idempotency_key=idempotency_key,
    )
    if case.repeated:
        return Status(200, selectors.case_detail(actor, case.number))
    return Status(201, selectors.new_case_detail(case))


@router.get("/cases", response=answers(list[CaseOut], 401), summary="我的办件（工作人员：职责范围内的办件）")
@paginate(BoundedPagination)
def case_list(request):
    return selectors.visible_cases(request.auth).order_by("-created_at", "-pk")


@router.get(
    "/cases/{number}",
    response=answers(CaseDetailOut, 401, 404),
    summary="办件详情：办理记录、各部门任务与期限、材料、期限（含临时计算标记）",
)
def case_detail(request, number: CaseNumber):
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/accept", response=answers(CaseDetailOut, *WRITE), summary="受理")
def case_accept(request, number: CaseNumber):
    services.case_accept(actor=request.auth, case=selectors.visible_case(request.auth, number))
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/correction", response=answers(CaseDetailOut, *WRITE), summary="一次性告知补正")
def case_correction(request, number: CaseNumber, payload: CorrectionIn):
    services.case_request_correction(
        actor=request.auth, case=selectors.visible_case(request.auth, number), points=payload.points
    )
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/refusal", response=answers(CaseDetailOut, *WRITE), summary="不予受理（须说明理由）")
def case_refusal(request, number: CaseNumber, payload: RefusalIn):
    services.case_refuse_acceptance(
        actor=request.auth, case=selectors.visible_case(request.auth, number), reasons=payload.reasons
    )
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/withdrawal", response=answers(CaseDetailOut, *WRITE), summary="申请人撤回申请")
def case_withdrawal(request, number: CaseNumber, payload: WithdrawalIn):
    services.case_withdraw(actor=request.auth, case=selectors.visible_case(request.auth, number), reason=payload.reason)
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/resubmission", response=answers(CaseDetailOut, *WRITE), summary="补正后重新提交")
def case_resubmission(request, number: CaseNumber, payload: ResubmissionIn):
    services.case_resubmit(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        form_data=payload.form,
        uploads=_uploads(payload.materials or []),
    )
    return selectors.case_detail(request.auth, number)


@router.post(
    "/cases/{number}/proposal",
    response=answers(CaseDetailOut, *WRITE),
    summary="牵头部门审核人提出审核意见（拟准予或拟不予，须说明理由），待负责人审批",
)
def case_proposal(request, number: CaseNumber, payload: ProposalIn):
    services.case_propose(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        grant=payload.grant,
        reasons=payload.reasons,
    )
    return selectors.case_detail(request.auth, number)


@router.post(
    "/cases/{number}/decision",
    response=answers(CaseDetailOut, *WRITE),
    summary="作出决定：负责人审批审核意见（即办、单人审批事项由审核人决定）；准予附结果数据，不予须说明理由",
)
def case_decision(request, number: CaseNumber, payload: DecisionIn):
    services.case_decide(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        grant=payload.grant,
        reasons=payload.reasons,
        result_data=payload.result_data,
    )
    return selectors.case_detail(request.auth, number)


@router.post("/cases/{number}/delivery", response=answers(CaseDetailOut, *WRITE), summary="送达办理结果")
def case_delivery(request, number: CaseNumber, payload: DeliveryIn):
    services.case_deliver(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        method=payload.method,
        tracking_number=payload.tracking_number,
    )
    return selectors.case_detail(request.auth, number)


@router.put(
    "/cases/{number}/delivery-details",
    response=answers(CaseDetailOut, *WRITE),
    summary="申请人修改送达方式（送达前）：电子送达、邮寄（收件人、电话、地址）或窗口领取（领取地点）",
)
def case_delivery_details(request, number: CaseNumber, payload: DeliveryDetailsIn):
    services.case_delivery_update(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        method=payload.method,
        recipient=payload.recipient,
        phone=payload.phone,
        address=payload.address,
        pickup_center=_pickup_center(payload.pickup_center),
    )
    return selectors.case_detail(request.auth, number)


@router.post(
    "/cases/{number}/rating",
    response={201: RatingOut, **{s: ErrorOut for s in (*WRITE, 422)}},
    summary="好差评：送达后由申请人评价（1–2 分须说明原因，并进入部门整改）",
)
def case_rating(request, number: CaseNumber, payload: RatingIn):
    rating = rating_submit(
        actor=request.auth,
        case=selectors.visible_case(request.auth, number),
        score=payload.score,
        reasons=payload.reasons,
        comment=payload.comment,
    )
    return Status(201, rating)


@router.get("/tasks", response=answers(list[TaskOut], 401), summary="审查任务待办（本部门、本区划）")
@paginate(BoundedPagination)
def task_inbox(request):
    return selectors.inbox(request.auth)


@router.post("/tasks/{task_id}/claim", response=answers(TaskOut, *WRITE), summary="签收任务")
def task_claim(request, task_id: TaskId):
    task = services.task_claim(actor=request.auth, task=selectors.task_for_staff(request.auth, task_id))
    return selectors.task_for_staff(request.auth, task.pk)


@router.post(
    "/tasks/{task_id}/completion",
    response=answers(TaskOut, *WRITE),
    summary="办结任务：同意、不同意、退回补正，或答复征求意见",
)
def task_completion(request, task_id: TaskId, payload: CompletionIn):
    task = services.task_complete(
        actor=request.auth,
        task=selectors.task_for_staff(request.auth, task_id),
        outcome=payload.outcome,
        opinion=payload.opinion,
        points=payload.points,
    )
    return selectors.task_for_staff(request.auth, task.pk)

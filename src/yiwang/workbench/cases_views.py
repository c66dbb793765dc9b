"""The reviewer workbench: inbox, the staff case page and its actions, approvals, supervision, rectifications.

Reads go through yiwang.cases.selectors (restricted to the actor); writes through the services. A refused
action on the case page re-renders the page with the service's message and status (409 for a conflict,
422 for bad input), so the reviewer keeps their place; anything else falls to the DomainError middleware.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiwang.cases import selectors, services
from yiwang.cases.models import Case, Suspension
from yiwang.cases.pdf import suspension_notice_pdf
from yiwang.catalog.forms_schema import display_value
from yiwang.core.decorators import staff_required
from yiwang.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.core.pdf import private_pdf_download
from yiwang.core.permissions import can, can_do
from yiwang.core.storage import download_response
from yiwang.ratings.services import rectification_answer
from yiwang.workflow.models import Task

from .queues import queues_for

RECOVERABLE = (ValidationFailed, Conflict, InvalidTransition, PermissionDenied)
DELIVERIES_SHOWN = 200
SUSPENSION_REASONS = [(reason.value, reason.label) for reason in Suspension.ARTICLE_45]
# Result data the licence capability reads from a grant: (form field, stored key, label). The stored keys stay
# Chinese whatever the page language; the licence number is the licence capability's own to assign.
RESULT_FIELDS = [("scope", "经营项目", gettext_lazy("经营项目")), ("remark", "备注", gettext_lazy("备注"))]


def _page(request, template: str, context: dict, status: int = 200):
    """A workbench page with its tabs: the queues and the pages the actor's permissions open."""
    user = request.user
    tabs = {
        "queues": queues_for(user),
        "approvals": can_do(user, "approve") or can_do(user, "approve_joint_extension"),
        "supervision": can_do(user, "supervise"),
    }
    return render(request, template, {"tabs": tabs, **context}, status=status)


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@staff_required
def inbox(request):
    tasks = Paginator(selectors.inbox(request.user), 50).get_page(request.GET.get("page"))
    for task in tasks:
        task.applicant = selectors.applicant_label(task.case)
    return _page(request, "workbench/cases/inbox.html", {"tasks": tasks, "orders": selectors.open_orders(request.user)})


@staff_required
@require_POST
def task_claim(request, pk):
    task = services.task_claim(actor=request.user, task=selectors.task_for_staff(request.user, pk))
    messages.success(request, _("已签收，请在期限内办理"))
    return redirect("workbench:case", number=task.case.number)


def _form_rows(case: Case) -> list[tuple[str, str]]:
    properties = (case.version.form_schema or {}).get("properties", {})
    return [
        (properties.get(key, {}).get("title", key), display_value(properties.get(key, {}), value))
        for key, value in case.form_data.items()
    ]


def _case_page(request, case: Case, *, error=None, status: int = 200, signing: bool = False):
    user = request.user
    own = selectors.actor_open_tasks(user, case)
    may_accept = case.status == Case.Status.SUBMITTED and can(user, "accept", case)
    context = {
        "case": case,
        "case_open": case.status in Case.OPEN_STATES,
        "applicant": selectors.applicant_label(case),
        "form_rows": _form_rows(case),
        "materials": selectors.staff_case_materials(case),
        "today": timezone.localdate(),
        "log": selectors.staff_timeline(case),
        "tasks": selectors.case_tasks(user, case),
        "review_tasks": [t for t in own if t.role != Task.Role.DECISION],
        "decision_task": next((t for t in own if t.role == Task.Role.DECISION), None),
        "may_review": bool(own),
        # The case-wide acts are the lead department's alone; an assisting department only answers its task.
        "may_request_correction": can(user, "request_correction", case),
        "may_suspend": can(user, "request_suspension", case),
        "may_extend": can(user, "request_extension", case),
        "may_resume": can(user, "resume", case),
        "may_supervise": can(user, "supervise", case),
        "orders": selectors.case_supervision_orders(case),
        "suspensions": selectors.case_suspensions(case),
        "extension": getattr(case, "extension", None),
        "suspension_reasons": SUSPENSION_REASONS,
        "result_fields": RESULT_FIELDS,
        "error": error,
        "posted": request.POST if error else {},
        "may_accept": may_accept,
        "checklist": selectors.correction_checklist(case) if may_accept else None,
        "signing": signing,
    }
    return _page(request, "workbench/cases/case.html", context, status=status)


@staff_required
def case_detail(request, number):
    return _case_page(request, selectors.case_for_staff(request.user, number))


def _act(request, case: Case, action, success: str):
    """Run one service call for the case page: success → back to the page; a refusal → the page, with why."""
    try:
        action()
    except RECOVERABLE as error:
        case = selectors.case_for_staff(request.user, case.number)
        return _case_page(request, case, error=error, status=error.status)
    messages.success(request, success)
    return redirect("workbench:case", number=case.number)


@staff_required
@require_POST
def task_complete(request, pk):
    task = selectors.task_for_staff(request.user, pk)
    post = request.POST
    return _act(
        request,
        task.case,
        lambda: services.task_complete(
            actor=request.user,
            task=task,
            outcome=post.get("outcome", ""),
            opinion=post.get("opinion", ""),
            points=_lines(post.get("points", "")),
        ),
        _("审查意见已提交"),
    )


@staff_required
@require_POST
def case_decide(request, number):
    case = selectors.case_for_staff(request.user, number)
    post = request.POST
    grant = post.get("decision") == "grant"
    result = {
        stored: post.get(field, "").strip() for field, stored, _label in RESULT_FIELDS if post.get(field, "").strip()
    }
    return _act(
        request,
        case,
        lambda: services.case_decide(
            actor=request.user,
            case=case,
            grant=grant,
            reasons=post.get("reasons", ""),
            result_data=result if grant else None,
        ),
        _("已作出准予许可决定") if grant else _("已作出不予许可决定"),
    )


@staff_required
@require_POST
def case_suspension_request(request, number):
    case = selectors.case_for_staff(request.user, number)
    return _act(
        request,
        case,
        lambda: services.case_suspension_request(
            actor=request.user,
            case=case,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            expected_days=_int_or_none(request.POST.get("expected_days")),
        ),
        _("中止计时申请已提交，待部门负责人批准"),
    )


@staff_required
@require_POST
def case_extension_request(request, number):
    case = selectors.case_for_staff(request.user, number)
    return _act(
        request,
        case,
        lambda: services.case_extension_request(actor=request.user, case=case, reason=request.POST.get("reason", "")),
        _("延期申请已提交，待部门负责人批准"),
    )


@staff_required
@require_POST
def case_resume(request, number):
    case = selectors.case_for_staff(request.user, number)
    return _act(request, case, lambda: services.case_resume(actor=request.user, case=case), _("已恢复计时"))


@staff_required
@require_POST
def case_supervise(request, number):
    case = selectors.supervised_case(request.user, number)
    try:
        days = int(request.POST.get("days") or 3)
    except ValueError:
        days = 0
    if not 1 <= days <= 20:
        error = ValidationFailed(fields={"days": [_("答复期限须为 1 到 20 个工作日")]})
        return _case_page(request, selectors.case_for_staff(request.user, number), error=error, status=error.status)
    return _act(
        request,
        case,
        lambda: services.supervision_order_issue(
            actor=request.user, case=case, message=request.POST.get("message", ""), days=days
        ),
        _("督办单已发出"),
    )


@staff_required
def material_download(request, number, pk):
    material = selectors.case_material(request.user, number, pk)
    return download_response(
        key=material.file_key,
        content_type=material.content_type,
        filename=material.filename or material.spec.name,
    )


@staff_required
def suspension_notice(request, number, pk):
    suspension = selectors.notified_suspension(selectors.case_for_staff(request.user, number), pk)
    return private_pdf_download(suspension_notice_pdf(suspension), f"suspension-{number}-{pk}.pdf")


@staff_required
def approvals(request):
    return _page(
        request,
        "workbench/cases/approvals.html",
        {
            "suspensions": selectors.pending_suspensions(request.user),
            "extensions": selectors.pending_extensions(request.user),
        },
    )


@staff_required
@require_POST
def suspension_approve(request, pk):
    suspension = selectors.suspension_for_approver(request.user, pk)
    services.case_suspension_approve(actor=request.user, suspension=suspension)
    messages.success(request, _("已批准中止计时：%(n)s") % {"n": suspension.case.number})
    return redirect("workbench:approvals")


@staff_required
@require_POST
def extension_approve(request, pk):
    extension = selectors.extension_for_approver(request.user, pk)
    case = services.case_extension_approve(actor=request.user, extension=extension)
    messages.success(request, _("已批准延期：%(n)s，新的办结期限 %(d)s") % {"n": case.number, "d": case.due_on})
    return redirect("workbench:approvals")


@staff_required
def supervision(request):
    user = request.user
    return _page(
        request,
        "workbench/cases/supervision.html",
        {
            "counts": selectors.warning_counts(user),
            "cases": selectors.supervised_cases(user)[:200],
            "tasks": selectors.supervised_tasks(user)[:200],
            "orders": selectors.issued_orders(user)[:100],
        },
    )


@staff_required
@require_POST
def order_answer(request, pk):
    order = selectors.order_for_department(request.user, pk)
    services.supervision_order_answer(actor=request.user, order=order, answer=request.POST.get("answer", ""))
    messages.success(request, _("督办单已答复：%(n)s") % {"n": order.case.number})
    return redirect("workbench:tasks")


@staff_required
def rectifications(request):
    return _page(
        request, "workbench/cases/rectifications.html", {"rectifications": selectors.open_rectifications(request.user)}
    )


@staff_required
@require_POST
def rectification_answer_view(request, pk):
    rectification = selectors.rectification_for_department(request.user, pk)
    rectification_answer(actor=request.user, rectification=rectification, answer=request.POST.get("answer", ""))
    messages.success(request, _("整改情况已答复，申请人可以看到"))
    return redirect("workbench:rectifications")


@staff_required
def deliveries(request):
    """待送达: decided cases to hand over within 第四十四条's 10 working days; a posted one is delivered here by
    entering its tracking number."""
    return _deliveries_page(request)


def _deliveries_page(request, *, error=None, posted_number="", status: int = 200):
    cases = list(selectors.awaiting_delivery(actor=request.user)[:DELIVERIES_SHOWN])
    for case in cases:
        case.applicant_text = selectors.applicant_label(case)
    context = {
        "cases": cases,
        "error": error,
        "posted_number": posted_number,
        "posted": request.POST if error else {},
        "shown": DELIVERIES_SHOWN,
    }
    return _page(request, "workbench/cases/deliveries.html", context, status=status)


@staff_required
@require_POST
def delivery_post(request, number):
    case = selectors.delivery_case(actor=request.user, number=number)
    try:
        services.case_deliver(
            actor=request.user,
            case=case,
            method=Case.Delivery.POST,
            tracking_number=request.POST.get("tracking_number", ""),
        )
    except RECOVERABLE as error:
        return _deliveries_page(request, error=error, posted_number=case.number, status=error.status)
    messages.success(request, _("%(n)s 已邮寄送达，申请人已收到邮件单号") % {"n": case.number})
    return redirect("workbench:deliveries")

"""The hotline's staff pages: the operator's call screen and queues, an order's page with the steps its viewer may
take, and a department's inbox. Each form posts to one service; on a refusal the page comes back with the error
by the field and what was typed still in it."""

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.permissions import allows, can_do
from yiwang.core.storage import UploadQuotaExceeded
from yiwang.grid.selectors import my_cells
from yiwang.org.models import Region

from . import report, report_files, routing, selectors, services
from .actions import Action
from .models import Assignment, WorkOrder
from .services.attachments import ATTACHMENTS_MAX

TAKE_FIELDS = (
    "region",
    "kind",
    "category",
    "urgency",
    "title",
    "description",
    "address",
    "caller_name",
    "caller_phone",
    "caller_id_number",
)


def _require_operator(user) -> None:
    if not can_do(user, "hotline_operate"):
        raise Http404


def _errors(error: DomainError) -> dict[str, list[str]]:
    return error.fields or {"__all__": [error.message]}


@staff_required
def operator(request):
    """受理来电: the caller's earlier orders by phone, the knowledge base for a 咨询, then dispatch or answer."""
    _require_operator(request.user)
    regions = selectors.operated_regions(request.user)
    post = request.POST
    errors: dict[str, list[str]] = {}
    faq, guides, history = [], [], []
    if request.method == "POST":
        action = post.get("action", "take")
        if action in ("take", "answer"):
            order, errors = _take(request, regions, answer=action == "answer")
            if order is not None:
                if order.status == WorkOrder.Status.CLOSED:
                    messages.success(request, _("已直接答复并办结：%(n)s") % {"n": order.number})
                    return redirect("hotline:operator")
                messages.success(request, _("已受理：%(n)s，请派单") % {"n": order.number})
                return redirect("hotline:order", number=order.number)
        faq, guides = selectors.knowledge_search(post.get("question") or post.get("description", ""))
        history = selectors.caller_history(request.user, post.get("caller_phone", ""))
    return render(
        request,
        "hotline/operator.html",
        {
            "regions": regions,
            "categories": selectors.categories(),
            "kinds": WorkOrder.Kind.choices,
            "urgencies": WorkOrder.Urgency.choices,
            "form": post,
            "errors": errors,
            "faq": faq,
            "guides": guides,
            "history": history,
            "searched": request.method == "POST",
            "tabs": selectors.queue_tabs(request.user),
            "attachments_max": ATTACHMENTS_MAX,
        },
        status=422 if errors else 200,
    )


def _take(request, regions, *, answer: bool):
    post = request.POST
    region = regions.filter(pk=post["region"]).first() if post.get("region", "").isdigit() else None
    if region is None:
        return None, {"region": [_("请选择受理区划")]}
    if answer and not post.get("answer", "").strip():
        return None, {"answer": [_("请填写答复内容")]}
    try:
        # Taking and answering are one act at the screen: an answer refused leaves no half-made order.
        with transaction.atomic():
            order = services.order_take(
                actor=request.user,
                region=region,
                kind=post.get("kind", ""),
                category=post.get("category", ""),
                description=post.get("description", ""),
                caller_phone=post.get("caller_phone", ""),
                caller_name=post.get("caller_name", ""),
                caller_id_number=post.get("caller_id_number", ""),
                confidential=post.get("confidential") == "on",
                urgency=post.get("urgency") or WorkOrder.Urgency.NORMAL,
                title=post.get("title", ""),
                address=post.get("address", ""),
                attachments=request.FILES.getlist("attachments"),
            )
            if answer:
                order = services.order_answer_directly(actor=request.user, order=order, answer=post["answer"])
    except (ValidationFailed, UploadQuotaExceeded) as error:
        return None, _errors(error)
    return order, {}


@staff_required
def queue(request, key):
    _require_operator(request.user)
    if key not in selectors.QUEUES:
        raise Http404
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    orders, more = selectors.queue(request.user, key, page=page)
    return render(
        request,
        "hotline/queue.html",
        {
            "key": key,
            "label": selectors.QUEUES[key][0],
            "orders": orders,
            "page": max(page, 1),
            "more": more,
            "tabs": selectors.queue_labels(),
        },
    )


@staff_required
def inbox(request):
    if not can_do(request.user, "hotline_handle"):
        raise Http404
    return render(
        request,
        "hotline/inbox.html",
        {
            "rows": selectors.inbox(request.user),
            "supervisions": selectors.open_supervisions(request.user),
            "now": timezone.now(),
        },
    )


def _order_page(request, order: WorkOrder, *, errors=None, form=None, status: int = 200):
    user = request.user
    operates = allows(user, "hotline_operate", order)
    own = selectors.own_assignment(user, order) if can_do(user, "hotline_handle") else None
    context = {
        "order": order,
        "timeline": selectors.staff_timeline(order),
        "operates": operates,
        "own": own,
        "errors": errors or {},
        "form": form or {},
        "attachments": selectors.attachments_of(order),
        "process_changes": selectors.process_changes_of(order),
        "Status": WorkOrder.Status,
        "AssignmentStatus": Assignment.Status,
        "supervisions": (supervisions := selectors.supervisions_of(user, order)),
        "may_supervise": selectors.may_supervise(user, order, supervisions),
        # 指定派单: returned as often as allowed, the order can no longer be returned (its form is not offered).
        "returns_exhausted": routing.returns_exhausted(order),
        "return_limit": routing.return_limit(),
    }
    if operates:
        context.update(
            departments=selectors.departments_of(order),
            proposed=selectors.proposed_department(order),
            handlings=WorkOrder.Handling.choices,
            urgencies=WorkOrder.Urgency.choices,
            satisfactions=WorkOrder.Satisfaction.choices,
            extensions=selectors.pending_extensions(order),
            closable=order.status in WorkOrder.TRANSITIONS[Action.CLOSE][0],
        )
    if own is not None:
        context["outcomes"] = Assignment.Outcome.choices
        context["attachments_max"] = ATTACHMENTS_MAX
        context["needs_change"] = own.lead and order.handling == WorkOrder.Handling.RECTIFICATION
    return render(request, "hotline/order.html", context, status=status)


@staff_required
def order(request, number):
    return _order_page(request, selectors.order_for(request.user, number))


def _act(request, number: str, step, success):
    """Run one form's service on the order; a refusal re-renders the order's page with the error and the input.
    `success` is the message, or a function of what the step returned giving it."""
    found = selectors.order_for(request.user, number)
    try:
        done = step(found)
    except DomainError as error:
        if error.status == 404:
            raise
        return _order_page(
            request,
            selectors.order_for(request.user, number),
            errors=_errors(error),
            form=request.POST,
            status=error.status,
        )
    messages.success(request, success(done) if callable(success) else success)
    return redirect("hotline:order", number=number)


def _departments(request, order: WorkOrder):
    choices = selectors.departments_of(order)
    lead_pk = request.POST.get("lead", "")
    lead = choices.filter(pk=lead_pk).first() if lead_pk.isdigit() else None
    assisting = [pk for pk in request.POST.getlist("assisting") if pk.isdigit()]
    return lead, list(choices.filter(pk__in=assisting)) if assisting else []


@require_POST
@staff_required
def dispatch(request, number):
    post = request.POST

    def step(order):
        lead, assisting = _departments(request, order)
        if order.status == WorkOrder.Status.RETURNED:
            services.order_redispatch(
                actor=request.user, order=order, lead=lead, assisting=assisting, handling=post.get("handling", "")
            )
        else:
            services.order_dispatch(
                actor=request.user,
                order=order,
                lead=lead,
                assisting=assisting,
                handling=post.get("handling", ""),
                urgency=post.get("urgency", ""),
            )

    return _act(request, number, step, _("已派单"))


@require_POST
@staff_required
def sign(request, number):
    return _act(
        request, number, lambda o: services.order_sign(actor=request.user, order=o), _("已签收，请在期限内答复")
    )


@require_POST
@staff_required
def give_back(request, number):
    return _act(
        request,
        number,
        lambda o: services.order_return(actor=request.user, order=o, reason=request.POST.get("reason", "")),
        _("已退单，热线中心将重新派单"),
    )


@require_POST
@staff_required
def transfer(request, number):
    def step(order):
        lead, _assisting = _departments(request, order)
        services.order_transfer(actor=request.user, order=order, lead=lead, note=request.POST.get("note", ""))

    return _act(request, number, step, _("已改派"))


@require_POST
@staff_required
def extension(request, number):
    days = request.POST.get("days", "")
    return _act(
        request,
        number,
        lambda o: services.extension_request(
            actor=request.user,
            order=o,
            days=int(days) if days.isdigit() else None,
            reason=request.POST.get("reason", ""),
        ),
        _("延期申请已提交，待热线中心审核"),
    )


@require_POST
@staff_required
def extension_decision(request, pk):
    extension = selectors.extension_for(request.user, pk)
    number = extension.assignment.order.number
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        number,
        lambda o: services.extension_decide(
            actor=request.user, extension=extension, approve=approve, note=request.POST.get("note", "")
        ),
        _("已批准延期") if approve else _("已不予延期"),
    )


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


@require_POST
@staff_required
def reply(request, number):
    post = request.POST
    return _act(
        request,
        number,
        lambda o: services.order_reply(
            actor=request.user,
            order=o,
            reply=post.get("reply", ""),
            outcome=post.get("outcome", ""),
            attachments=request.FILES.getlist("attachments"),
            change_description=post.get("change_description", ""),
            change_effective_on=_date(post.get("change_effective_on", "")),
            change_file=request.FILES.get("change_file"),
        ),
        _("已答复"),
    )


@require_POST
@staff_required
def callback(request, number):
    return _act(
        request,
        number,
        lambda o: services.order_callback(
            actor=request.user,
            order=o,
            satisfaction=request.POST.get("satisfaction", ""),
            note=request.POST.get("note", ""),
        ),
        _("回访已记录"),
    )


@require_POST
@staff_required
def callback_sms(request, number):
    return _act(
        request,
        number,
        lambda o: services.order_callback_sms(actor=request.user, order=o),
        lambda phone: _("已向 %(phone)s 发送短信回访链接") % {"phone": phone},
    )


@require_POST
@staff_required
def supervise(request, number):
    return _act(
        request,
        number,
        lambda o: services.order_supervise(actor=request.user, order=o, message=request.POST.get("message", "")),
        _("已督办"),
    )


@require_POST
@staff_required
def supervision_answer(request, pk):
    supervision = selectors.supervision_for(request.user, pk)
    return _act(
        request,
        supervision.order.number,
        lambda o: services.supervision_answer(
            actor=request.user, supervision=supervision, answer=request.POST.get("answer", "")
        ),
        _("督办答复已提交"),
    )


@require_POST
@staff_required
def close(request, number):
    return _act(
        request,
        number,
        lambda o: services.order_close(actor=request.user, order=o, note=request.POST.get("note", "")),
        _("已办结"),
    )


def _coordinate(raw: str):
    try:
        return float(raw) if raw.strip() else None
    except ValueError:
        return None


@staff_required
def grid_report(request):
    """巡查上报: what a grid worker found becomes a work order for the centre; their earlier reports below."""
    if not can_do(request.user, "grid_work"):
        raise Http404
    post, errors = request.POST, {}
    if request.method == "POST":
        try:
            order = services.order_report_from_grid(
                actor=request.user,
                kind=post.get("kind", ""),
                category=post.get("category", ""),
                description=post.get("description", ""),
                address=post.get("address", ""),
                longitude=_coordinate(post.get("longitude", "")),
                latitude=_coordinate(post.get("latitude", "")),
                cell_code=post.get("cell", ""),
            )
        except ValidationFailed as refused:
            errors = _errors(refused)
        else:
            messages.success(request, _("已上报：%(n)s，12345 中心将派单处理") % {"n": order.number})
            return redirect("hotline:grid_report")
    return render(
        request,
        "hotline/grid_report.html",
        {
            "cells": my_cells(request.user),
            "categories": selectors.categories(),
            "kinds": WorkOrder.Kind.choices,
            "form": post,
            "errors": errors,
            "reported": selectors.grid_reports(request.user),
        },
        status=422 if errors else 200,
    )


# 每月情况通报: the centre and 效能监察 of a district (hotline_view held region-wide; a department's liaison, who
# sees only its own orders, does not see the district's report).


def _month(text: str) -> dt.date:
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    return month


@staff_required
def reports(request):
    """The months with a generated report, and for the centre a form to generate (again) one month's."""
    regions = list(selectors.report_regions(request.user))
    if not regions:
        raise Http404
    snapshots = selectors.report_snapshots(regions)
    operated = [r for r in regions if allows(request.user, "hotline_operate", r)]
    last_month = report.previous_month(timezone.localdate().replace(day=1))
    return render(
        request,
        "hotline/reports.html",
        {
            "snapshots": snapshots,
            "regions": regions,
            "operated": operated,
            "default_month": last_month.strftime("%Y-%m"),
            "tabs": selectors.queue_labels(),
        },
    )


@require_POST
@staff_required
def report_generate(request):
    region = Region.objects.filter(code=request.POST.get("region", ""), level=Region.Level.COUNTY).first()
    if region is None or not allows(request.user, "hotline_operate", region):
        raise Http404
    try:
        month = dt.datetime.strptime(request.POST.get("month", ""), "%Y-%m").date()
    except ValueError:
        messages.error(request, _("请选择月份（年-月）"))
        return redirect("hotline:reports")
    try:
        services.report_generate(actor=request.user, region=region, month=month)
    except ValidationFailed as refused:
        for problems in _errors(refused).values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("hotline:reports")
    messages.success(
        request, _("已生成 %(region)s %(month)s 月度通报") % {"region": region.name, "month": f"{month:%Y-%m}"}
    )
    return redirect("hotline:report", region_code=region.code, month=f"{month:%Y-%m}")


def _report_for(request, region_code: str, month: str):
    return selectors.month_report(request.user, region_code, _month(month))


@staff_required
def report_page(request, region_code, month):
    region, snapshot, found = _report_for(request, region_code, month)
    return render(
        request,
        "hotline/report.html",
        {
            "region": region,
            "snapshot": snapshot,
            "report": found,
            "tables": report.tables(found),
            "charts": report.chart_data(found),
            "operates": allows(request.user, "hotline_operate", region),
            "tabs": selectors.queue_labels(),
        },
    )


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def report_xlsx(request, region_code, month):
    _region, _snapshot, found = _report_for(request, region_code, month)
    return _download(
        report_files.report_xlsx(found),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{report_files.title_of(found)}.xlsx",
    )


@staff_required
def report_pdf(request, region_code, month):
    _region, _snapshot, found = _report_for(request, region_code, month)
    return _download(report_files.report_pdf(found), "application/pdf", f"{report_files.title_of(found)}.pdf")

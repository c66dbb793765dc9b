"""Orders coming in at staff screens: the operator's call screen (受理来电), which takes a call, looks up the
caller's earlier orders and the knowledge base, and dispatches or answers; and a grid worker's 巡查上报."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.core.decorators import staff_required
from yiwang.core.errors import ValidationFailed
from yiwang.core.permissions import can_do
from yiwang.core.storage import UploadQuotaExceeded
from yiwang.grid.selectors import my_cells

from .. import selectors, services
from ..models import WorkOrder
from ..services.attachments import ATTACHMENTS_MAX
from ._common import _errors, _require_operator


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


def _coordinate(raw: str):
    try:
        return float(raw) if raw.strip() else None
    except ValueError:
        return None


@staff_required
def grid_report(request):
    """巡查上报: what a grid worker found on their round, with its photos, becomes a work order for the centre; their
    earlier reports below."""
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
                attachments=request.FILES.getlist("attachments"),
            )
        except (ValidationFailed, UploadQuotaExceeded) as refused:
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
            "attachments_max": ATTACHMENTS_MAX,
        },
        status=422 if errors else 200,
    )

"""巡查上报: the grid worker's page, where what they found on their round, with its photos, becomes a work order
for the centre, and their earlier reports are followed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.core.decorators import staff_required
from yiwang.core.errors import ValidationFailed
from yiwang.core.permissions import can_do
from yiwang.core.storage import UploadQuotaExceeded
from yiwang.grid.selectors import my_cells

from . import selectors, services
from .models import WorkOrder
from .services.attachments import ATTACHMENTS_MAX


def _coordinate(raw: str):
    try:
        return float(raw) if raw.strip() else None
    except ValueError:
        return None


@staff_required
def grid_report(request):
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
            errors = refused.fields or {"__all__": [refused.message]}
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

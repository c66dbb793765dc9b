"""老大难 hotspots' pages: the list, and one hotspot's page with its orders, its owner and deadline and its plan.
The centre's forms post to one service each; the owner department's liaison reads the page without them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import DomainError
from yiwang.core.permissions import allows, can_do

from .. import selectors, services
from ..models import Hotspot
from ._common import _date, _errors


@staff_required
def hotspots(request):
    """老大难 hotspots: places whose problem was reported again and again, kept by the worker's detection."""
    if not can_do(request.user, "hotline_view"):
        raise Http404
    status = request.GET.get("status", Hotspot.Status.OPEN)
    if status not in Hotspot.Status.values:
        raise Http404
    return render(
        request,
        "hotline/hotspots.html",
        {
            "hotspots": selectors.hotspot_list(request.user, status=status),
            "status": status,
            "statuses": Hotspot.Status.choices,
        },
    )


def _page(request, pk: int, *, errors=None, form=None, status: int = 200):
    spot = selectors.hotspot_for(request.user, pk)
    orders, total = selectors.hotspot_orders(request.user, spot)
    operates = spot.status == Hotspot.Status.OPEN and allows(request.user, "hotline_operate", spot)
    return render(
        request,
        "hotline/hotspot.html",
        {
            "spot": spot,
            "orders": orders,
            "hidden": total - len(orders),
            "total": total,
            "milestones": selectors.hotspot_milestones(spot),
            "operates": operates,
            "departments": selectors.hotspot_departments(spot) if operates else (),
            "errors": errors or {},
            "form": form or {},
            "Status": Hotspot.Status,
        },
        status=status,
    )


@staff_required
def hotspot(request, pk):
    return _page(request, pk)


def _act(request, pk: int, step, success: str):
    """Run one form's service on the hotspot; a refusal re-renders its page with the error and the input."""
    spot = selectors.hotspot_for(request.user, pk)
    try:
        step(spot)
    except DomainError as error:
        if error.status == 404:
            raise
        return _page(request, pk, errors=_errors(error), form=request.POST, status=error.status)
    messages.success(request, success)
    return redirect("hotline:hotspot", pk=pk)


@require_POST
@staff_required
def assign(request, pk):
    post = request.POST

    def step(spot):
        chosen = post.get("department", "")
        department = selectors.hotspot_departments(spot).filter(pk=chosen).first() if chosen.isdigit() else None
        services.hotspot_assign(
            actor=request.user,
            hotspot=spot,
            department=department,
            deadline=_date(post.get("deadline", "")),
            owner_name=post.get("owner_name", ""),
        )

    return _act(request, pk, step, _("已指定承办责任单位和整治期限"))


@require_POST
@staff_required
def milestone_add(request, pk):
    post = request.POST
    return _act(
        request,
        pk,
        lambda spot: services.hotspot_milestone_add(
            actor=request.user,
            hotspot=spot,
            title=post.get("title", ""),
            due=_date(post.get("due", "")),
            note=post.get("note", ""),
        ),
        _("已添加整治节点"),
    )


@require_POST
@staff_required
def milestone_done(request, pk):
    milestone = selectors.milestone_for(request.user, pk)
    return _act(
        request,
        milestone.hotspot_id,
        lambda spot: services.hotspot_milestone_complete(
            actor=request.user, milestone=milestone, note=request.POST.get("note", "")
        ),
        _("整治节点已完成"),
    )


@require_POST
@staff_required
def resolve(request, pk):
    return _act(
        request,
        pk,
        lambda spot: services.hotspot_resolve(
            actor=request.user, hotspot=spot, resolution=request.POST.get("resolution", "")
        ),
        _("老大难热点已标记解决"),
    )

"""Pages of dual notification and 审管联动: the department's claim list, decisions pushed to it, and what a
licence's holder was told. Reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import Conflict

from . import selectors, services


@staff_required
def claims(request):
    notices = list(selectors.claim_notices(request.user).order_by("claimed_at", "due_on", "pk")[:300])
    counts = {
        level: sum(1 for n in notices if not n.claimed and n.warning == level) for level in ("red", "yellow", "green")
    }
    return render(
        request,
        "coordination/claims.html",
        {
            "open": [n for n in notices if not n.claimed],
            "claimed": [n for n in notices if n.claimed][:100],
            "counts": counts,
            "lacking": selectors.lacking_permit(request.user)[:200],
            "grace_days": selectors.PERMIT_GRACE_DAYS,
        },
    )


@staff_required
@require_POST
def claim(request, pk):
    notice = selectors.claim_notice(request.user, pk)
    try:
        services.notice_claim(actor=request.user, notice=notice)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已认领：%(e)s") % {"e": notice.entity.name})
    return redirect("coordination:claims")


@staff_required
def decisions(request):
    return render(
        request,
        "coordination/decisions.html",
        {
            "notices": selectors.decision_notices(request.user)[:200],
            "subscriptions": selectors.subscriptions(request.user),
            "departments": selectors.headed_departments(request.user),
        },
    )


@staff_required
@require_POST
def subscribe(request):
    department = selectors.headed_department(request.user, request.POST.get("department", ""))
    item = selectors.item_by_code(request.POST.get("item", ""))
    if department is None or item is None:
        messages.error(request, _("请选择本部门并填写有效的事项编码"))
        return redirect("coordination:decisions")
    try:
        services.subscription_add(actor=request.user, department=department, item=item)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已订阅：%(i)s") % {"i": item.name})
    return redirect("coordination:decisions")


@staff_required
@require_POST
def unsubscribe(request, pk):
    subscription = selectors.subscription(request.user, pk)
    try:
        services.subscription_cancel(actor=request.user, subscription=subscription)
    except Conflict as error:
        messages.error(request, error.message)
    return redirect("coordination:decisions")


@login_required
def told(request, number):
    return render(request, "coordination/told.html", {"notification": selectors.told(request.user, number)})

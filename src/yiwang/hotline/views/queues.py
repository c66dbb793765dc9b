"""What waits for whom: the centre's queues, a page at a time, and a department's inbox."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from yiwang.core.decorators import staff_required
from yiwang.core.permissions import can_do

from .. import selectors
from ._common import _require_operator


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

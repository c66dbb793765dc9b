"""The department's page of its systems' event pushes: subscriptions, recent deliveries, replaying dead letters.
Reads through the selectors, writes through the services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import InvalidTransition

from . import selectors, services
from .models import Delivery


@staff_required
def deliveries(request):
    status = request.GET.get("status", "")
    log = selectors.delivery_log(request.user, status=status)
    context = {"log": log, "status": status, "statuses": Delivery.Status.choices}
    return render(request, "webhooks/deliveries.html", context)


@staff_required
@require_POST
def replay(request, pk: int):
    delivery = selectors.delivery(request.user, pk)
    try:
        services.delivery_replay(actor=request.user, delivery=delivery)
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("已重新排队：%(e)s → %(s)s") % {"e": delivery.event.type, "s": delivery.subscription}
        )
    return redirect("webhooks:deliveries")

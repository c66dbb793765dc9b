"""Staff pages for credit records: the entities on record in the actor's region, and one entity's records
with repair (信用修复); and the page where an entity's agent reads its own credit. Reads through the
selectors, writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import InvalidTransition, ValidationFailed

from . import selectors, services


@staff_required
def records(request):
    query = request.GET.get("q", "")
    entities = selectors.entities_on_record(request.user, query=query)[:200]
    return render(request, "credit/records.html", {"entities": entities, "query": query})


def _entity_page(request, uscc: str, *, error=None, status: int = 200):
    entity, rows = selectors.entity_records(request.user, uscc)
    context = {"entity": entity, "records": rows, "error": error, "green": selectors.green_channel(entity)}
    return render(request, "credit/entity.html", context, status=status)


@staff_required
def entity(request, uscc):
    return _entity_page(request, uscc)


@staff_required
@require_POST
def repair(request, pk):
    record = selectors.visible_record(request.user, pk)
    try:
        services.credit_record_repair(actor=request.user, record=record, reason=request.POST.get("reason", ""))
    except (ValidationFailed, InvalidTransition) as error:
        return _entity_page(request, record.entity.uscc, error=error, status=error.status)
    messages.success(request, _("已完成信用修复"))
    return redirect("credit:entity", uscc=record.entity.uscc)


@login_required
def mine(request):
    return render(request, "credit/mine.html", {"credits": selectors.own_credit(request.user)})

"""An order's page with the steps its viewer may take, and the forms that take them. Each form posts to one
service; on a refusal the page comes back with the error by the field and what was typed still in it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import DomainError
from yiwang.core.permissions import allows, can_do

from .. import routing, selectors, services
from ..actions import Action
from ..models import Assignment, WorkOrder
from ..services.attachments import ATTACHMENTS_MAX
from ._common import _date, _errors


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

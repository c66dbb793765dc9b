"""The day's work: the landing page with every queue's count, the queues themselves, and the actions taken from
them — accepting an online application (网上预审/受理) and signing a decision (审批).

Each queue page lists the rows of the selector named in workbench/queues.py, the same one the landing counts.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.cases import selectors, services
from yiwang.core.calendar import WorkCalendar
from yiwang.core.decorators import staff_required
from yiwang.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from yiwang.core.permissions import staff_roles

from .cases_views import RESULT_FIELDS, _act, _case_page, _lines, _page
from .queues import QUEUES, queue_counts

ROWS_PER_PAGE = 200


def after_login(request):
    """Where a login lands without a `next`: staff at their workbench, everyone else on the public home."""
    if request.user.is_authenticated and request.user.holds_staff_role:
        return redirect("workbench:index")
    return redirect("portal:home")


@staff_required
def index(request):
    return _page(
        request,
        "workbench/index.html",
        {"queues": queue_counts(request.user), "roles": staff_roles(request.user)},
    )


def _rows(request, key: str):
    queue = next(q for q in QUEUES if q.key == key)
    return queue.rows(actor=request.user)[:ROWS_PER_PAGE]


@staff_required
def acceptance(request):
    """待受理, with the 第三十二条 countdown: working days left to accept or to issue one correction notice."""
    cases = list(_rows(request, "acceptance"))
    today, calendars = timezone.localdate(), {}
    for case in cases:
        cal = calendars.setdefault(case.region_id, WorkCalendar(case.region))
        case.days_left = cal.working_days_between(today, case.acceptance_due).days
        case.days_overdue = -case.days_left
        case.applicant_label = selectors.applicant_label(case)
    return _page(request, "workbench/queues/acceptance.html", {"cases": cases})


@staff_required
@require_POST
def case_accept(request, number):
    case = selectors.case_to_accept(request.user, number)
    return _act(request, case, lambda: services.case_accept(actor=request.user, case=case), _("已受理，已进入审查"))


@staff_required
@require_POST
def case_correction(request, number):
    """One correction notice: the ticked form fields and materials, each with the clerk's note, and free points."""
    case = selectors.case_to_accept(request.user, number)
    post = request.POST
    properties = (case.version.form_schema or {}).get("properties", {})
    points = []
    for key in post.getlist("field"):
        if key in properties:
            note = post.get(f"field_note_{key}", "").strip() or _("请核对并更正")
            points.append(_("申请表「%(f)s」：%(n)s") % {"f": properties[key].get("title", key), "n": note})
    specs = {str(spec.pk): spec for spec in selectors.case_material_specs(case)}
    for pk in post.getlist("material"):
        if pk in specs:
            note = post.get(f"material_note_{pk}", "").strip() or _("请补充提交")
            points.append(_("《%(m)s》：%(n)s") % {"m": specs[pk].name, "n": note})
    points += _lines(post.get("points", ""))
    return _act(
        request,
        case,
        lambda: services.case_request_correction(actor=request.user, case=case, points=points),
        _("已发出一次性告知书，申请人补正后重新提交"),
    )


@staff_required
@require_POST
def case_refuse(request, number):
    case = selectors.case_to_accept(request.user, number)
    return _act(
        request,
        case,
        lambda: services.case_refuse_acceptance(actor=request.user, case=case, reasons=request.POST.get("reasons", "")),
        _("已作出不予受理决定，申请人已收到理由"),
    )


@staff_required
@require_POST
def case_propose(request, number):
    case = selectors.case_for_staff(request.user, number)
    post = request.POST
    return _act(
        request,
        case,
        lambda: services.case_propose(
            actor=request.user, case=case, grant=post.get("proposal") == "grant", reasons=post.get("reasons", "")
        ),
        _("审核意见已提交，待部门负责人审批"),
    )


@staff_required
def decisions(request):
    return _page(request, "workbench/queues/decisions.html", {"tasks": _rows(request, "decisions")})


@staff_required
def decision(request, number):
    """The 负责人's page: the case page with every department's opinion, the proposal and the signing forms."""
    return _case_page(request, selectors.case_to_decide(request.user, number), signing=True)


@staff_required
@require_POST
def decision_sign(request, number):
    case = selectors.case_to_decide(request.user, number)
    post = request.POST
    grant = post.get("decision") == "grant"
    result = {
        stored: post.get(field, "").strip() for field, stored, _label in RESULT_FIELDS if post.get(field, "").strip()
    }
    try:
        services.case_decide(
            actor=request.user, case=case, grant=grant, reasons=post.get("reasons", ""), result_data=result or None
        )
    except (ValidationFailed, Conflict, InvalidTransition, PermissionDenied) as e:
        return _case_page(
            request, selectors.case_for_staff(request.user, number), error=e, status=e.status, signing=True
        )
    messages.success(request, _("已审批：准予许可") if grant else _("已审批：不予许可"))
    return redirect("workbench:decisions")


@staff_required
def warnings(request):
    return _page(request, "workbench/queues/warnings.html", {"tasks": _rows(request, "warnings")})


@staff_required
def orders(request):
    return _page(request, "workbench/queues/orders.html", {"orders": _rows(request, "orders")})

"""The enforcement page: a department's penalties, and the form its inspectors record a new one with."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.core.decorators import staff_required
from yiwang.core.errors import Conflict, ValidationFailed

from . import selectors, services
from .models import Penalty


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _record(request, departments) -> tuple[Penalty | None, dict[str, list[str]]]:
    post = request.POST
    errors: dict[str, list[str]] = {}
    department = departments.filter(pk=post.get("department") if post.get("department", "").isdigit() else 0).first()
    if department is None:
        errors["department"] = [_("请选择处罚机关")]
    entity = selectors.entity_by_uscc(post.get("uscc", ""))
    if entity is None:
        errors["uscc"] = [_("未找到该统一社会信用代码的市场主体")]
    licence = None
    if post.get("licence", "").strip():
        licence = selectors.licence_by_number(post["licence"])
        if licence is None:
            errors["licence"] = [_("未找到该证照编号")]
    if errors:
        return None, errors
    try:
        penalty = services.penalty_record(
            actor=request.user,
            entity=entity,
            department=department,
            number=post.get("number", ""),
            facts=post.get("facts", ""),
            legal_basis=post.get("legal_basis", ""),
            kinds=post.getlist("kinds"),
            amount=post.get("amount") or None,
            decided_on=_date(post.get("decided_on", "")),
            serious=post.get("serious") == "on",
            revoke_licence=licence,
        )
    except ValidationFailed as error:
        return None, error.fields or {"__all__": [error.message]}
    except Conflict as error:
        return None, {"number": [error.message]}
    return penalty, {}


@staff_required
def penalties(request):
    departments = selectors.enforcing_departments(request.user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        penalty, errors = _record(request, departments)
        if penalty is not None:
            messages.success(request, _("行政处罚已录入：%(n)s") % {"n": penalty.number})
            return redirect("supervision:penalties")
    return render(
        request,
        "supervision/penalties.html",
        {
            "penalties": selectors.penalties(request.user)[:200],
            "departments": departments,
            "kinds": Penalty.Kind.choices,
            "errors": errors,
            "form": request.POST if errors else {},
        },
        status=422 if errors else 200,
    )

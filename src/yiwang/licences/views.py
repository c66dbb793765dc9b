"""Pages: the public verification page (the QR code's target), the holder's wallet and their PDFs, and the
issuing department's pages to revoke, annul or cancel its licences and to rotate its seal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.workbench.views import staff_required

from . import selectors, services
from .models import Licence
from .pdf import licence_pdf

DIGEST_LENGTH = 64
LICENCES_PER_PAGE = 50
FILTER_LENGTH = 60
BASIS_LENGTH = Licence._meta.get_field("status_basis").max_length

# Each status change the page offers: the service, the status it leads to, and when the law calls for it.
STATUS_CHANGES = {
    "revoke": (
        services.licence_revoke,
        Licence.Status.REVOKED,
        gettext_lazy(
            "行政处罚：持证人取得许可后有违法行为，依法收回其许可（《行政处罚法》第九条）。"
            "一般随行政处罚决定作出，须写明处罚决定书文号。"
        ),
    ),
    "annul": (
        services.licence_annul,
        Licence.Status.ANNULLED,
        gettext_lazy(
            "许可本不应准予：行政机关违法准予、超越职权、违反法定程序，或申请人以欺骗、贿赂等不正当手段"
            "取得许可（《行政许可法》第六十九条）。"
        ),
    ),
    "cancel": (
        services.licence_cancel,
        Licence.Status.CANCELLED,
        gettext_lazy(
            "许可依法终止：有效期届满未延续、法人或其他组织依法终止、持证人申请放弃，或许可已被撤销、"
            "吊销（《行政许可法》第七十条）。"
        ),
    ),
}


def verify(request, number: str):
    digest = request.GET.get("d", "")[: DIGEST_LENGTH + 1] if "d" in request.GET else None
    result = selectors.licence_verify(number, digest=digest)
    shown = result.licence is not None and result.status != "altered"
    context = {"result": result, "number": number, "view": selectors.public_view(result.licence) if shown else None}
    return render(request, "licences/verify.html", context, status=404 if result.status == "unknown" else 200)


@login_required
def wallet(request):
    licences = [(licence, selectors.check(licence)) for licence in selectors.wallet_for(actor=request.user)]
    return render(request, "licences/wallet.html", {"licences": licences})


@login_required
def pdf(request, number: str):
    licence = selectors.licence_for_holder(actor=request.user, number=number)
    response = HttpResponse(licence_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{licence.number}.pdf")
    return response


def _filters(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:FILTER_LENGTH] for name in ("number", "holder", "status")}


@staff_required
def manage(request):
    filters = _filters(request)
    page = Paginator(selectors.managed_licences(request.user, **filters), LICENCES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(licence, selectors.public_view(licence)) for licence in page]
    context = {"page": page, "rows": rows, "filters": filters, "statuses": Licence.Status.choices}
    return render(request, "licences/staff_manage.html", context)


def _change(request, licence: Licence) -> tuple[dict[str, list[str]], int]:
    """Apply the posted status change; the errors to show and the answer's status, or none when it was made."""
    chosen = STATUS_CHANGES.get(request.POST.get("action", ""))
    if chosen is None:
        return {"action": [_("请选择吊销、撤销或注销")]}, 422
    basis = request.POST.get("basis", "")
    if len(basis.strip()) > BASIS_LENGTH:
        return {"basis": [_("依据不得超过 %(n)d 个字符") % {"n": BASIS_LENGTH}]}, 422
    service, target, _explanation = chosen
    try:
        service(actor=request.user, licence=licence, reason=request.POST.get("reason", ""), basis=basis)
    except ValidationFailed as error:
        return error.fields or {"__all__": [error.message]}, error.status
    except InvalidTransition as error:
        return {"__all__": [error.message]}, error.status
    messages.success(request, _("证照 %(n)s 已变更为「%(s)s」") % {"n": licence.number, "s": target.label})
    return {}, 200


@staff_required
def manage_detail(request, number: str):
    licence = selectors.managed_licence(request.user, number)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        errors, status = _change(request, licence)
        if not errors:
            return redirect("licences:manage_detail", number=licence.number)
    changes = [
        {"action": action, "verb": str(target.label).removeprefix("已"), "status": target.label, "explanation": text}
        for action, (_service, target, text) in STATUS_CHANGES.items()
    ]
    context = {
        "licence": licence,
        "view": selectors.public_view(licence),
        "check": selectors.check(licence),
        "changes": changes,
        "errors": errors,
        "form": request.POST if errors else {},
    }
    return render(request, "licences/staff_detail.html", context, status=status)


@staff_required
def seals(request):
    return render(request, "licences/staff_seals.html", {"departments": selectors.department_seals(request.user)})


@staff_required
@require_POST
def seal_rotate(request, department_id: int):
    department = selectors.rotatable_department(request.user, department_id)
    services.seal_key_rotate(actor=request.user, department=department)
    messages.success(request, _("%(d)s 已启用新的电子印章密钥；原密钥签发的证照仍可核验") % {"d": department})
    return redirect("licences:seals")

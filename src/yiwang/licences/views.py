"""Pages: the public verification page (the QR code's target) and verification bundle, the public issuer
directory, the holder's wallet with its PDFs and bundles, and the issuing department's pages to revoke, annul
or cancel its licences, rotate its seal, and (a region's administrator) revoke a compromised seal key.

The public pages (verification, issuer directory, keys) read from the read replica when one is configured
(core.replica): they are the QR codes' target, read by anyone, and never show what their reader just wrote."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from yiwang.core.decorators import staff_required
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.core.replica import replica_view

from . import renewal, selectors, services
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


@replica_view
def verify(request, number: str):
    digest = request.GET.get("d", "")[: DIGEST_LENGTH + 1] if "d" in request.GET else None
    result = selectors.licence_verify(number, digest=digest)
    shown = result.licence is not None and result.status != "altered"
    context = {
        "result": result,
        "number": number,
        "view": selectors.public_view(result.licence) if shown else None,
        "digest": digest if shown and digest else "",
    }
    return render(request, "licences/verify.html", context, status=404 if result.status == "unknown" else 200)


@login_required
def wallet(request):
    licences = list(selectors.wallet_for(actor=request.user))
    renewals = renewal.wallet_renewals(licences)
    rows = [(licence, selectors.check(licence), *renewals[licence.pk]) for licence in licences]
    return render(request, "licences/wallet.html", {"licences": rows})


@login_required
def pdf(request, number: str):
    licence = selectors.licence_for_holder(actor=request.user, number=number)
    response = HttpResponse(licence_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{licence.number}.pdf")
    return response


def _bundle_response(licence: Licence) -> HttpResponse:
    response = HttpResponse(selectors.verification_bundle(licence), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{licence.number}-verification.zip")
    return response


@login_required
def bundle(request, number: str):
    return _bundle_response(selectors.licence_for_holder(actor=request.user, number=number))


def public_bundle(request, number: str):
    """For a relying party who holds the licence number and its verification code (the digest on the QR code)."""
    return _bundle_response(selectors.public_bundle_licence(number, request.GET.get("d", "")[: DIGEST_LENGTH + 1]))


# The directory changes only when a key is made, rotated or revoked: caches may keep it a few minutes.
ISSUERS_MAX_AGE = 300


@cache_control(public=True, max_age=ISSUERS_MAX_AGE)
@replica_view
def issuers(request):
    directory = selectors.issuer_directory()
    return render(request, "licences/issuers.html", {"directory": directory})


@cache_control(public=True, max_age=ISSUERS_MAX_AGE)
@replica_view
def issuers_json(request):
    return JsonResponse(selectors.issuer_directory(), json_dumps_params={"ensure_ascii": False, "indent": 2})


def _pem(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/x-pem-file")
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


@cache_control(public=True, max_age=ISSUERS_MAX_AGE)
@replica_view
def root_pem(request):
    return _pem(selectors.root_key_pem(), "yiwang-root.pem")


@cache_control(public=True, max_age=ISSUERS_MAX_AGE)
@replica_view
def issuer_pem(request, key_id: str):
    return _pem(selectors.issuer_key(key_id).public_key_pem, f"{key_id}.pem")


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


@staff_required
@require_POST
def seal_revoke(request, pk: int):
    key = selectors.revocable_key(request.user, pk)
    try:
        revoked_on = dt.date.fromisoformat(request.POST.get("revoked_on", ""))
    except ValueError:
        revoked_on = None
    try:
        services.seal_key_revoke(
            actor=request.user, key=key, revoked_on=revoked_on, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as error:
        for problems in (error.fields or {"__all__": [error.message]}).values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("licences:seals")
    except InvalidTransition as error:
        messages.error(request, error.message)
        return redirect("licences:seals")
    messages.success(
        request, _("密钥 %(k)s 已吊销，自 %(d)s 起所签证照不再认可") % {"k": key.key_id[:16], "d": revoked_on}
    )
    return redirect("licences:seals")

"""Pages: the public verification page (the QR code's target), the holder's wallet and their PDFs."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import selectors
from .pdf import licence_pdf

DIGEST_LENGTH = 64


def verify(request, number: str):
    digest = request.GET.get("d", "")[:DIGEST_LENGTH] or None
    result = selectors.licence_verify(number, digest=digest)
    shown = result.licence is not None and result.status != "altered"
    context = {"result": result, "number": number, "view": selectors.public_view(result.licence) if shown else None}
    return render(request, "licences/verify.html", context, status=404 if result.status == "unknown" else 200)


def verify_url(request, licence) -> str:
    return request.build_absolute_uri(reverse("licences:verify", args=[licence.number])) + f"?d={licence.digest}"


@login_required
def wallet(request):
    licences = [(licence, selectors.check(licence)) for licence in selectors.wallet_for(actor=request.user)]
    return render(request, "licences/wallet.html", {"licences": licences})


@login_required
def pdf(request, number: str):
    licence = selectors.licence_for_holder(actor=request.user, number=number)
    response = HttpResponse(
        licence_pdf(licence, verify_url=verify_url(request, licence)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{licence.number}.pdf"'
    return response

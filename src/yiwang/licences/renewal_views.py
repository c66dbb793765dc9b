"""The holder's renewal page, and what the ordinary application page needs to file a renewal (`?renewal=`)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from . import renewal

RENEWAL_FIELD = "renewal"


def applicant_choice(licence) -> str:
    """The application page's applicant value for the licence's holder (see portal.cases_views._applicants)."""
    return f"entity-{licence.holder_entity_id}" if licence.holder_entity_id else "person"


def apply_url(window) -> str:
    query = urlencode({RENEWAL_FIELD: window.licence.number, "applicant": applicant_choice(window.licence)})
    return reverse("cases:apply", args=[window.implementation.code]) + "?" + query


@login_required
def renew(request, number: str):
    licence = renewal.renewable_licence(actor=request.user, number=number)
    window = renewal.renewal_window(licence)
    context = {
        "licence": licence,
        "window": window,
        "apply_url": apply_url(window) if window.open and window.implementation else "",
        "new_url": reverse("cases:apply", args=[window.implementation.code]) if window.implementation else "",
    }
    return render(request, "licences/renew.html", context)


def renewal_in_application(request, implementation):
    """The renewal window of the licence an application page was opened for, or None for an ordinary one; a
    licence the user does not hold answers 404."""
    number = (request.POST.get(RENEWAL_FIELD) or request.GET.get(RENEWAL_FIELD) or "").strip()[:40]
    if not number:
        return None
    return renewal.renewal_window(renewal.renewable_licence(actor=request.user, number=number))

"""The display mode a visitor chose (长者模式: large text, high contrast), kept in a cookie so it needs no login."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

DISPLAY_COOKIE = "yiwang_display"
DISPLAY_MODES = {"elder", "standard"}
ONE_YEAR = 365 * 24 * 3600


@require_POST
def display_mode(request):
    mode = request.POST.get("mode", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if mode == "elder":
        response.set_cookie(DISPLAY_COOKIE, mode, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure())
    elif mode in DISPLAY_MODES:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax")
    return response

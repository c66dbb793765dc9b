"""12345 on the web, without an account: send a request, and follow it with its number and query code. The
tracking page shows the steps in the caller's words: no staff names, no internal notes, no files (the caller's
own photo included), and a wrong code gets the same answer as a number that does not exist."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from yiwang.core.errors import NotFound, ValidationFailed

from .. import selectors, services
from ..models import WorkOrder
from ..services.attachments import ATTACHMENTS_MAX
from ._common import _errors


@never_cache
def submit(request):
    regions = selectors.public_regions()
    errors: dict[str, list[str]] = {}
    post = request.POST
    if request.method == "POST":
        if is_ratelimited(request, group="hotline-web", key="ip", rate=settings.HOTLINE_SUBMIT_RATE, increment=True):
            errors = {"__all__": [_("提交过于频繁，请稍后再试")]}
        else:
            region = regions.filter(pk=post["region"]).first() if post.get("region", "").isdigit() else None
            try:
                order = services.order_submit_web(
                    region=region,
                    kind=post.get("kind", ""),
                    category=post.get("category", ""),
                    description=post.get("description", ""),
                    address=post.get("address", ""),
                    caller_name=post.get("caller_name", ""),
                    caller_phone=post.get("caller_phone", ""),
                    attachments=request.FILES.getlist("attachments"),
                )
            except ValidationFailed as error:
                errors = _errors(error)
            else:
                return render(request, "hotline/public_done.html", {"order": order})
    return render(
        request,
        "hotline/public_form.html",
        {
            "regions": regions,
            "categories": selectors.categories(),
            "kinds": WorkOrder.Kind.choices,
            "form": post,
            "errors": errors,
            "attachments_max": ATTACHMENTS_MAX,
        },
        status=422 if errors else 200,
    )


@never_cache
def track(request):
    order, error, status, timeline = None, "", 200, []
    if request.method == "POST":
        if is_ratelimited(request, group="hotline-track", key="ip", rate=settings.PROGRESS_LOOKUP_RATE, increment=True):
            error, status = _("查询过于频繁，请一分钟后再试"), 429
        else:
            order = selectors.order_by_query_code(request.POST.get("number", ""), request.POST.get("query_code", ""))
            if order is None:
                error, status = _("工单编号或查询码不正确，请核对"), 404
            else:
                timeline = selectors.caller_timeline(order)
    return render(
        request,
        "hotline/track.html",
        {"order": order, "timeline": timeline, "error": error, "form": request.POST},
        status=status,
    )


@never_cache
def callback_link(request, token):
    """短信回访: the caller says whether the reply satisfied them. The page names the order and the outcome the
    department reported, nothing of the staff's notes; a dead link is a 404 that says to call 12345."""
    order = selectors.order_by_callback_link(token)
    errors: dict[str, list[str]] = {}
    if order is None:
        raise Http404
    if request.method == "POST":
        try:
            done = services.order_callback_by_link(
                token=token, satisfaction=request.POST.get("satisfaction", ""), note=request.POST.get("note", "")
            )
        except NotFound:
            raise Http404 from None
        except ValidationFailed as error:
            errors = _errors(error)
        else:
            return render(request, "hotline/callback_done.html", {"order": done})
    return render(
        request,
        "hotline/callback_link.html",
        {"order": order, "satisfactions": WorkOrder.Satisfaction.choices, "form": request.POST, "errors": errors},
        status=422 if errors else 200,
    )

"""The staff workbench shell: pages for people who hold a staff role. Reads go through restricted selectors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from yiwang.catalog.selectors import staff_implementation, staff_implementation_list


def staff_required(view):
    """Logged in and holding an active staff role (or a superuser); a citizen gets 403, not a login loop."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.holds_staff_role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def implementations(request):
    return render(
        request,
        "workbench/implementations.html",
        {
            "implementations": staff_implementation_list(actor=request.user),
        },
    )


@staff_required
def implementation(request, code):
    return render(
        request,
        "workbench/implementation.html",
        {
            "implementation": staff_implementation(actor=request.user, code=code),
        },
    )

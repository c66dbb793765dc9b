"""View decorators every site and app shares."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """Logged in and holding an active staff role (or a superuser); a citizen gets 403, not a login loop."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.holds_staff_role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper

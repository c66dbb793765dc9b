"""API authentication: the site's session for staff pages calling the API (with CSRF on writes), and for
cases and tasks the session or an API token."""

from django.utils.translation import gettext as _
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from yiwang.accounts.tokens import token_auth

from .errors import PermissionDenied


class StaffSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


staff_auth = StaffSessionAuth()


class SignedInSessionAuth(StaffSessionAuth):
    """The site's session for anyone signed in (citizens too). CSRF is checked on writes whenever a session
    cookie is sent; a request with no cookie at all has no session to forge and answers 401."""

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if key and self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise PermissionDenied(_("CSRF 校验失败，请刷新页面后重试"))
        return key


# Token first: a request carrying a bearer token is that token's user, with no CSRF (no cookie is involved).
session_or_token = [token_auth, SignedInSessionAuth()]

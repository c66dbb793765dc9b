"""API authentication: the site's session for staff pages calling the API (with CSRF on writes), and for
cases and tasks the session or an API token, whose scope must match the kind of call (yiwang.accounts.auth)."""

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from .errors import PermissionDenied

# Tokens and their scopes are the accounts app's (it issues them); it registers the check at start-up
# (AccountsConfig.ready), so the kernel depends on no domain app. check(request, secret) returns the token's
# user, or raises AuthenticationError (no such live token) or PermissionDenied (a scope the call lacks).
_token_check = None


def register_token_check(check) -> None:
    global _token_check
    _token_check = check


class TokenAuth(HttpBearer):
    """Authorization: Bearer <secret>. A token that is presented but not valid (unknown, revoked, expired) answers
    401 at once, rather than falling through to the session: a caller who sent a token meant to be that token's
    user. A live token without the scope the call needs answers 403."""

    def authenticate(self, request, token):
        if not token or _token_check is None:
            raise AuthenticationError()
        return _token_check(request, token)


token_auth = TokenAuth()


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

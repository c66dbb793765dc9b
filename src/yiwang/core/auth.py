"""API authentication: the site's session for staff pages calling the API (with CSRF on writes), and for
cases and tasks the session or an API token, whose scope must match the kind of call."""

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from yiwang.accounts.models import ApiToken
from yiwang.accounts.tokens import token_find

from .errors import PermissionDenied

Scope = ApiToken.Scope
# The scope a write needs, by the last segment of its route. Every GET needs READ. A write not listed needs a
# scope no token has, so a new endpoint is closed to tokens until it is classified here (a test walks them all).
WRITE_SCOPES = {
    "materials": Scope.APPLY,
    "cases": Scope.APPLY,
    "withdrawal": Scope.APPLY,
    "resubmission": Scope.APPLY,
    "delivery-details": Scope.APPLY,
    "rating": Scope.APPLY,
    "accept": Scope.REVIEW,
    "correction": Scope.REVIEW,
    "refusal": Scope.REVIEW,
    "proposal": Scope.REVIEW,
    "decision": Scope.REVIEW,
    "delivery": Scope.REVIEW,
    "claim": Scope.REVIEW,
    "completion": Scope.REVIEW,
}
UNCLASSIFIED = "unclassified"


def required_scope(request) -> str:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return Scope.READ
    route = request.resolver_match.route if request.resolver_match else request.path
    return WRITE_SCOPES.get(route.rstrip("/").rsplit("/", 1)[-1], UNCLASSIFIED)


class TokenAuth(HttpBearer):
    """Authorization: Bearer <secret>. A token that is presented but not valid (unknown, revoked, expired) answers
    401 at once, rather than falling through to the session: a caller who sent a token meant to be that token's
    user. A live token without the scope the call needs answers 403."""

    def authenticate(self, request, token):
        found = token_find(token) if token else None
        if found is None:
            raise AuthenticationError()
        needed = required_scope(request)
        if needed not in found.scopes:
            if needed == UNCLASSIFIED:
                raise PermissionDenied(_("接口令牌不能调用该接口"))
            raise PermissionDenied(_("该接口令牌没有“%(scope)s”权限范围") % {"scope": Scope(needed).label})
        return found.user


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

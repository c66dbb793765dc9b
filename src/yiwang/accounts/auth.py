"""The API token check core.auth.TokenAuth calls (registered in AccountsConfig.ready): a live token whose
scope matches the kind of call."""

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from yiwang.core.errors import PermissionDenied

from .models import ApiToken
from .tokens import token_find

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


def token_user(request, secret: str):
    """The user of a live token with the scope the call needs."""
    found = token_find(secret)
    if found is None:
        raise AuthenticationError()
    needed = required_scope(request)
    if needed not in found.scopes:
        if needed == UNCLASSIFIED:
            raise PermissionDenied(_("接口令牌不能调用该接口"))
        raise PermissionDenied(_("该接口令牌没有“%(scope)s”权限范围") % {"scope": Scope(needed).label})
    return found.user

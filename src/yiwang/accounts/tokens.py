"""API tokens: created for a user (the secret is shown once), revoked by prefix, checked on every API call.

Only the secret's SHA-256 is stored, so a copy of the database grants nothing; a token is found by that hash
(the secret is long and random, so no slow hash is needed to make guessing hopeless). A token expires (90 days
unless asked otherwise, a year at most) and carries scopes: read, apply, review (ApiToken.Scope). A call needs
the scope of its kind (accounts.auth.token_user) on top of whatever the user may do.
"""

import datetime as dt
import hashlib
import secrets
import string

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.compiled import CompiledQuery
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .models import ApiToken

DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
SECRET_LENGTH = 40  # ≈238 bits over letters and digits
PREFIX_LENGTH = 8
# Writing last_used_at on every call would turn each read into a write; once a minute says enough.
TOUCH_EVERY = dt.timedelta(minutes=1)
_ALPHABET = string.ascii_letters + string.digits


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _may_manage(actor, user) -> bool:
    """The operator at the command line (no actor), the user themself, or a superuser."""
    return actor is None or actor.pk == user.pk or actor.is_superuser


def default_scopes(user) -> list[str]:
    """What the user's job needs when nobody chose: staff handle cases, everyone else applies."""
    return [ApiToken.Scope.READ, ApiToken.Scope.REVIEW if user.holds_staff_role else ApiToken.Scope.APPLY]


@transaction.atomic
def token_create(
    *, actor, user, name: str, scopes: list[str] | None = None, days: int = DEFAULT_LIFETIME_DAYS
) -> tuple[ApiToken, str]:
    """A new token for the user; returns the row and the secret, which is never stored and never shown again."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请写明令牌用途")]
    if not _may_manage(actor, user):
        raise PermissionDenied()
    if not user.is_active:
        errors["user"] = [_("该账号已停用")]
    scopes = sorted({str(s) for s in (default_scopes(user) if scopes is None else scopes)})
    if not scopes:
        errors["scopes"] = [_("请至少选择一项权限范围")]
    elif unknown := [s for s in scopes if s not in ApiToken.Scope.values]:
        errors["scopes"] = [_("没有这项权限范围：%(s)s") % {"s": "、".join(unknown)}]
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        errors["days"] = [_("有效期须在 1 至 %(max)d 天之间") % {"max": MAX_LIFETIME_DAYS}]
    if errors:
        raise ValidationFailed(fields=errors)
    while True:
        secret = "".join(secrets.choice(_ALPHABET) for _i in range(SECRET_LENGTH))
        if not ApiToken.objects.filter(prefix=secret[:PREFIX_LENGTH]).exists():
            break
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=_digest(secret),
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=token,
        data={
            "user": user.username,
            "prefix": token.prefix,
            "scopes": scopes,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, prefix: str) -> ApiToken:
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user").filter(prefix=prefix).first()
    if token is None or not _may_manage(actor, token.user):
        raise NotFound()
    if token.revoked_at is not None:
        raise Conflict(_("该令牌已吊销"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="token.revoke", target=token, data={"user": token.user.username, "prefix": token.prefix}
    )
    return token


# Every API call reads its token: compiled once per process (core.compiled); whether it is live is decided below.
_TOKEN_BY_HASH = CompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash), sentinel="~" * 64
)


def token_find(secret: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) with this secret, or None."""
    now = timezone.now()
    try:
        token = _TOKEN_BY_HASH.get(_digest(secret))
    except ApiToken.DoesNotExist:
        return None
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        # A conditional update: concurrent calls in the same minute write once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return token


def token_user(secret: str):
    """The active user a live token belongs to, or None."""
    token = token_find(secret)
    return token.user if token is not None else None

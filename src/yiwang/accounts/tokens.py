"""API tokens: created for a user (the secret is shown once), revoked by prefix, checked on every API call.

Only the secret's SHA-256 is stored, so a copy of the database grants nothing; a token is found by that hash
(the secret is long and random, so no slow hash is needed to make guessing hopeless).
"""

import datetime as dt
import hashlib
import secrets
import string

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from yiwang.core.audit import audit_record
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .models import ApiToken

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


@transaction.atomic
def token_create(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; returns the row and the secret, which is never stored and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("请写明令牌用途")]})
    if not _may_manage(actor, user):
        raise PermissionDenied()
    if not user.is_active:
        raise ValidationFailed(fields={"user": [_("该账号已停用")]})
    while True:
        secret = "".join(secrets.choice(_ALPHABET) for _i in range(SECRET_LENGTH))
        if not ApiToken.objects.filter(prefix=secret[:PREFIX_LENGTH]).exists():
            break
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=_digest(secret))
    audit_record(actor=actor, action="token.create", target=token, data={"user": user.username, "prefix": token.prefix})
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


def token_user(secret: str):
    """The active user a live token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        # A conditional update: concurrent calls in the same minute write once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """Authorization: Bearer <secret>. A token that is presented but not valid answers 401 at once, rather than
    falling through to the session: a caller who sent a token meant to be that token's user."""

    def authenticate(self, request, token):
        user = token_user(token) if token else None
        if user is None:
            raise AuthenticationError()
        return user


token_auth = TokenAuth()

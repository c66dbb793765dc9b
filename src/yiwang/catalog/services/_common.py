"""What every catalog service shares: who may maintain the catalog, and a model's validation as the domain's
error."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.permissions import can_do


def require_catalog_admin(actor) -> None:
    if actor is None:
        return  # the system itself: fixtures and imports run by an operator at the console
    if can_do(actor, "catalog_maintain"):
        return
    raise PermissionDenied(_("只有管理员可以维护事项目录"))


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from None

"""Writes of the Open311 interface: issuing and revoking keys (in the admin), and a posted request."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.permissions import require
from yiwang.hotline.models import WorkOrder
from yiwang.hotline.services import order_submit_open311
from yiwang.org.models import Region

from .models import ApiKey, Submission

# Open311 carries no kind of request; a client says it in this attribute (services/{code} lists it).
KIND_ATTRIBUTE = "kind"
CONFIDENTIAL_ATTRIBUTE = "confidential"
POSTABLE_KINDS = (
    WorkOrder.Kind.COMPLAINT,
    WorkOrder.Kind.HELP,
    WorkOrder.Kind.REPORT,
    WorkOrder.Kind.SUGGESTION,
    WorkOrder.Kind.PRAISE,
)


def key_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_issue(*, actor, name: str, region: Region) -> tuple[ApiKey, str]:
    """A new key for an outside client of the district; the secret is returned once and never stored."""
    require(actor, "change", region)
    name = name.strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("请填写客户端名称")]}, subcode="open311_key_name")
    if region.level != Region.Level.COUNTY:
        raise ValidationFailed(fields={"region": [_("接口密钥须对应一个区（县）")]}, subcode="open311_key_region")
    secret = secrets.token_urlsafe(24)
    key = ApiKey.objects.create(
        name=name, prefix=secret[:8], key_hash=key_digest(secret), region=region, issued_by=actor
    )
    audit_record(actor=actor, action="open311.key_issue", target=key, data={"name": name, "prefix": key.prefix})
    return key, secret


@transaction.atomic
def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_for_update().select_related("region").get(pk=key.pk)
    require(actor, "change", key.region)
    if key.active:
        key.active, key.revoked_at = False, timezone.now()
        key.save(update_fields=["active", "revoked_at"])
        audit_record(actor=actor, action="open311.key_revoke", target=key, data={"prefix": key.prefix})
    return key


def live_key(secret: str) -> ApiKey:
    found = ApiKey.objects.select_related("region").filter(key_hash=key_digest(secret or ""), active=True).first()
    if found is None:
        raise PermissionDenied(_("api_key 无效或已停用"))
    return found


@transaction.atomic
def request_submit(
    *,
    secret: str,
    service_code: str,
    description: str,
    longitude=None,
    latitude=None,
    address: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    attributes: dict[str, str] | None = None,
) -> Submission:
    """POST requests: the key's district takes the request as a work order of the service's category."""
    key = live_key(secret)
    attributes = attributes or {}
    kind = attributes.get(KIND_ATTRIBUTE) or WorkOrder.Kind.COMPLAINT
    if kind not in POSTABLE_KINDS:
        raise ValidationFailed(
            fields={f"attribute[{KIND_ATTRIBUTE}]": [_("诉求类型无效")]}, subcode="open311_attribute"
        )
    order = order_submit_open311(
        region=key.region,
        kind=kind,
        category=service_code,
        description=description,
        caller_phone=phone,
        caller_name=f"{last_name}{first_name}".strip(),
        address=address,
        longitude=longitude,
        latitude=latitude,
        confidential=attributes.get(CONFIDENTIAL_ATTRIBUTE) == "true",
    )
    return Submission.objects.create(order=order, api_key=key)

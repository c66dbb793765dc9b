"""一件事 (bundles): save and delete, keeping the search index and the devolution check in step."""

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import ValidationFailed

from .. import search
from ..devolution import devolution_refresh
from ..models import Bundle, BundleItem, ServiceItem
from ._common import _full_clean, require_catalog_admin


@transaction.atomic
def bundle_save(
    *,
    actor,
    code: str,
    name: str,
    audience: str,
    items: list[ServiceItem],
    promise: str = "",
    description: str = "",
    keywords: str = "",
    popular: bool = False,
    name_en: str = "",
    keywords_en: str = "",
) -> Bundle:
    require_catalog_admin(actor)
    if not items:
        raise ValidationFailed(fields={"items": [_("一件事至少包含一个事项")]})
    bundle, created = Bundle.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "audience": audience,
            "promise": promise,
            "description": description,
            "keywords": keywords,
            "popular": popular,
            "name_en": name_en,
            "keywords_en": keywords_en,
        },
    )
    _full_clean(bundle)
    before = list(bundle.entries.values_list("item_id", flat=True))
    bundle.entries.all().delete()
    BundleItem.objects.bulk_create(
        BundleItem(bundle=bundle, item=it, position=i) for i, it in enumerate(items, start=1)
    )
    search.index_bundle(bundle)
    devolution_refresh(actor=actor, items=[*before, *items])
    audit_record(
        actor=actor,
        action="catalog.bundle_create" if created else "catalog.bundle_update",
        target=bundle,
        data={"code": code, "items": [it.code for it in items]},
    )
    return bundle


@transaction.atomic
def bundle_delete(*, actor, bundle: Bundle) -> None:
    require_catalog_admin(actor)
    members = list(bundle.entries.values_list("item_id", flat=True))
    audit_record(actor=actor, action="catalog.bundle_delete", target=bundle, data={"code": bundle.code})
    bundle.delete()
    devolution_refresh(actor=actor, items=members)

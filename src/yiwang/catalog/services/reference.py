"""The catalog's reference tables (implementations, licence types, topics, stages, 双告知 rules, synonyms, referrals
elsewhere)."""

from django.db import transaction

from yiwang.core.audit import audit_record

from .. import search
from ..devolution import devolution_refresh
from ..models import (
    ConstructionStage,
    DualNotificationRule,
    ItemImplementation,
    LicenceType,
    Referral,
    Synonym,
    Topic,
)
from ._common import _full_clean, require_catalog_admin

# Catalog tables that are plain reference data: one row is one fact, with no state of its own to guard.
REFERENCE_MODELS = (
    ItemImplementation,
    LicenceType,
    Topic,
    ConstructionStage,
    DualNotificationRule,
    Synonym,
    Referral,
)


def _reference_model(obj) -> None:
    if not isinstance(obj, REFERENCE_MODELS):
        raise TypeError(f"{type(obj).__name__} is not a catalog reference table; use its own service")


@transaction.atomic
def reference_save(*, actor, obj, changed: list[str] | None = None):
    """Validate and save one row of a reference table, with its audit entry."""
    require_catalog_admin(actor)
    _reference_model(obj)
    created = obj.pk is None
    _full_clean(obj)
    obj.save()
    if isinstance(obj, ItemImplementation):
        devolution_refresh(actor=actor, items=[obj.item_id])
    if isinstance(obj, Referral):
        search.index_referral(obj)
    audit_record(
        actor=actor,
        action=f"catalog.{obj._meta.model_name}_{'create' if created else 'update'}",
        target=obj,
        data={"object": str(obj), **({"fields": changed} if changed is not None else {})},
    )
    return obj


@transaction.atomic
def reference_delete(*, actor, obj) -> None:
    require_catalog_admin(actor)
    _reference_model(obj)
    audit_record(actor=actor, action=f"catalog.{obj._meta.model_name}_delete", target=obj, data={"object": str(obj)})
    obj.delete()
    if isinstance(obj, ItemImplementation):
        devolution_refresh(actor=actor, items=[obj.item_id])

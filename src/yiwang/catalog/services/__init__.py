"""Every write to the catalog, one module per subdomain. Keyword-only, actor explicit, one transaction with its audit
entry (but search_miss_record, anonymous telemetry: see its docstring). Callers import from here
(`from yiwang.catalog.services import …`), never from a subdomain module."""

from ._common import require_catalog_admin
from .devolution import devolution_recheck
from .groupings import bundle_delete, bundle_save
from .items import (
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    SIGN_OFF_FIELDS,
    VERSION_FIELDS,
    find_prerequisite_cycle,
    item_create,
    item_update,
    item_version_discard,
    item_version_draft,
    item_version_publish,
    item_version_update,
)
from .misses import search_miss_record
from .reference import REFERENCE_MODELS, reference_delete, reference_save

__all__ = [
    "ITEM_FIELDS",
    "MATERIAL_FIELDS",
    "REFERENCE_MODELS",
    "SIGN_OFF_FIELDS",
    "VERSION_FIELDS",
    "bundle_delete",
    "bundle_save",
    "devolution_recheck",
    "find_prerequisite_cycle",
    "item_create",
    "item_update",
    "item_version_discard",
    "item_version_draft",
    "item_version_publish",
    "item_version_update",
    "reference_delete",
    "reference_save",
    "require_catalog_admin",
    "search_miss_record",
]

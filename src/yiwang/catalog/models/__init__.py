"""The catalog's tables, by subdomain: items and their versions (items), how they are grouped for people (groupings),
the search index (search), the queries it had no good answer for (misses) and the devolution check's findings
(devolution)."""

from .devolution import DevolutionFinding
from .groupings import Bundle, BundleItem, ConstructionStage, DualNotificationRule, Topic
from .items import (
    DEFAULT_STATUTORY_DAYS,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    MaterialSpec,
    ServiceItem,
    implementation_code,
)
from .misses import SearchMiss
from .search import Referral, SearchEntry, SearchTerm, Synonym

__all__ = [
    "DEFAULT_STATUTORY_DAYS",
    "Bundle",
    "BundleItem",
    "ConstructionStage",
    "DevolutionFinding",
    "DualNotificationRule",
    "ItemImplementation",
    "ItemVersion",
    "LicenceType",
    "MaterialSpec",
    "Referral",
    "SearchEntry",
    "SearchMiss",
    "SearchTerm",
    "ServiceItem",
    "Synonym",
    "Topic",
    "implementation_code",
]

"""Reads of the catalog. Published content is public; drafts and implementations for staff are restricted."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from yiwang.core.cache import cached
from yiwang.core.errors import NotFound
from yiwang.core.permissions import can_do, restrict

from .misses import week_of
from .models import (
    Bundle,
    BundleItem,
    ItemImplementation,
    ItemVersion,
    MaterialSpec,
    SearchMiss,
    ServiceItem,
    Topic,
)


def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.exclude(current_version=None).select_related("current_version")


def item_list(
    *,
    kind: str | None = None,
    department_kind: str | None = None,
    audience: str | None = None,
    topic: str | None = None,
    region_code: str | None = None,
) -> QuerySet[ServiceItem]:
    qs = published_items()
    if kind:
        qs = qs.filter(kind=kind)
    if department_kind:
        qs = qs.filter(department_kind=department_kind)
    if audience:
        qs = qs.filter(audience=audience)
    if topic:
        qs = qs.filter(topics__code=topic)
    if region_code:
        qs = qs.filter(implementations__department__region__code=region_code, implementations__active=True)
    return qs.order_by("code").distinct()


def item_guide(*, code: str, version_number: int | None = None) -> tuple[ServiceItem, ItemVersion]:
    """The item and the published version its guide shows: the current one, or an older one by number."""
    item = published_items().filter(code=code).first()
    if item is None:
        raise NotFound()
    versions = item.versions.filter(status=ItemVersion.Status.PUBLISHED)
    version = item.current_version if version_number is None else versions.filter(number=version_number).first()
    if version is None:
        raise NotFound()
    version = (
        ItemVersion.objects.select_related("result_licence_type")
        .prefetch_related(Prefetch("materials", MaterialSpec.objects.select_related("licence_type")), "prerequisites")
        .get(pk=version.pk)
    )
    return item, version


def published_versions(*, item: ServiceItem) -> QuerySet[ItemVersion]:
    return item.versions.filter(status=ItemVersion.Status.PUBLISHED).order_by("-number")


def item_implementations(*, item: ServiceItem, region_code: str | None = None) -> QuerySet[ItemImplementation]:
    qs = item.implementations.filter(active=True).select_related("department__region")
    if region_code:
        qs = qs.filter(department__region__code=region_code)
    return qs


def bundle_list(
    *, audience: str | None = None, popular: bool | None = None, item: ServiceItem | None = None
) -> QuerySet[Bundle]:
    qs = Bundle.objects.prefetch_related(Prefetch("entries", BundleItem.objects.select_related("item")))
    if audience:
        qs = qs.filter(audience=audience)
    if popular is not None:
        qs = qs.filter(popular=popular)
    if item is not None:
        qs = qs.filter(items=item)
    return qs


def bundle_detail(*, code: str) -> tuple[Bundle, list[ServiceItem]]:
    """The bundle and its items in an order that puts every prerequisite before the items that need it."""
    bundle = bundle_list().filter(code=code).first()
    if bundle is None:
        raise NotFound()
    items = [e.item for e in bundle.entries.all()]
    return bundle, prerequisite_order(items)


def prerequisite_order(items: list[ServiceItem]) -> list[ServiceItem]:
    """Stable topological order: the given order, except that an item waits for its prerequisites in the list."""
    ids = {it.pk for it in items}
    needs: dict[int, set[int]] = {it.pk: set() for it in items}
    for item_id, prereq_id in ItemVersion.prerequisites.through.objects.filter(
        itemversion_id__in=[it.current_version_id for it in items if it.current_version_id]
    ).values_list("itemversion__item_id", "serviceitem_id"):
        if prereq_id in ids:
            needs[item_id].add(prereq_id)
    ordered: list[ServiceItem] = []
    placed: set[int] = set()
    remaining = list(items)
    while remaining:
        ready = next((it for it in remaining if needs[it.pk] <= placed), remaining[0])
        ordered.append(ready)
        placed.add(ready.pk)
        remaining.remove(ready)
    return ordered


def topic_list(*, audience: str | None = None) -> QuerySet[Topic]:
    qs = Topic.objects.all()
    return qs.filter(audience=audience) if audience else qs


def topic_detail(*, code: str) -> tuple[Topic, QuerySet[ServiceItem]]:
    topic = Topic.objects.filter(code=code).first()
    if topic is None:
        raise NotFound()
    return topic, item_list(topic=code)


def staff_implementation_list(*, actor, action: str = "view") -> QuerySet[ItemImplementation]:
    return restrict(ItemImplementation.objects.select_related("item", "department__region"), actor, action).order_by(
        "code"
    )


def staff_implementation(*, actor, code: str, action: str = "view") -> ItemImplementation:
    found = staff_implementation_list(actor=actor, action=action).filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def open_implementation(*, code: str) -> ItemImplementation:
    """An implementation open to application: active, of an item with a published version."""
    found = (
        ItemImplementation.objects.filter(code=code, active=True, item__current_version__isnull=False)
        .select_related("item__current_version", "department__region")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


SEARCH_MISSES_SHOWN = 100


def search_misses(*, actor, week: dt.date) -> list[SearchMiss]:
    """The most frequent queries the portal had no good answer for in the week of `week` (any day of it), for the
    catalog's editors (catalog_maintain; the platform's whole catalog, so no region narrows it); to anyone else
    the 404 of a page that is not there."""
    if not can_do(actor, "catalog_maintain"):
        raise NotFound()
    return list(
        SearchMiss.objects.filter(week=week_of(week)).order_by("-count", "query", "outcome")[:SEARCH_MISSES_SHOWN]
    )


# --- per-process caches (core.cache, generation "catalog"): what every submission reads of the catalog ----------


def implementation_for_submission(pk: int) -> ItemImplementation:
    """The implementation with its item's current version and its department and region, shared by the process
    (read-only) until the catalog or the organisation changes."""
    return cached(
        "catalog",
        ("implementation", pk),
        lambda: ItemImplementation.objects.select_related("item__current_version", "department__region").get(pk=pk),
    )


def version_materials(version) -> list[MaterialSpec]:
    """The version's materials in order, with their licence types; shared by the process (read-only)."""
    return cached(
        "catalog",
        ("materials", version.pk),
        lambda: list(version.materials.select_related("licence_type").order_by("position")),
    )

"""Items and their versions: create, change, draft, edit, publish and discard (一事一码; published versions are
kept for ever)."""

from collections import deque

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.cache import cache_bump
from yiwang.core.errors import PrerequisiteCycle, ValidationFailed

from .. import search
from ..devolution import devolution_refresh
from ..forms_schema import check_example, check_schema
from ..models import ItemVersion, MaterialSpec, ServiceItem
from ._common import _full_clean, require_catalog_admin

VERSION_FIELDS = (
    "legal_basis",
    "conditions",
    "process_outline",
    "form_schema",
    "form_example",
    "statutory_days",
    "promised_days",
    "fee",
    "online_depth",
    "max_visits",
    "result_licence_type",
    "result_description",
    "keywords",
)
# Version fields the Excel sheet does not carry: a draft keeps its base's value; the admin and the reference
# loader set them.
SIGN_OFF_FIELDS = ("sign_off",)
MATERIAL_FIELDS = ("name", "required", "form", "source", "licence_type", "shared_source", "tolerable", "commitment")


@transaction.atomic
def item_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    department_kind: str,
    level: str,
    audience: str,
    name_en: str = "",
    keywords_en: str = "",
) -> ServiceItem:
    require_catalog_admin(actor)
    item = ServiceItem(
        code=code,
        name=name,
        name_en=name_en,
        keywords_en=keywords_en,
        kind=kind,
        department_kind=department_kind,
        level=level,
        audience=audience,
    )
    _full_clean(item, exclude=["current_version"])
    item.save()
    audit_record(actor=actor, action="catalog.item_create", target=item, data={"code": code, "name": name})
    return item


ITEM_FIELDS = ("name", "name_en", "keywords_en", "kind", "department_kind", "level", "audience")


@transaction.atomic
def item_update(*, actor, item: ServiceItem, **fields) -> ServiceItem:
    """Change an item's identity fields; its code (一事一码) never changes."""
    require_catalog_admin(actor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not item fields: {sorted(unknown)}")
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    before = {f: getattr(item, f) for f in fields}
    for field, value in fields.items():
        setattr(item, field, value)
    _full_clean(item, exclude=["current_version"])
    item.save(update_fields=list(fields))
    if item.current_version_id:
        search.index_item(item)
    if "level" in fields:
        devolution_refresh(actor=actor, items=[item])
    audit_record(actor=actor, action="catalog.item_update", target=item, data={"before": before, "after": fields})
    return item


@transaction.atomic
def item_version_discard(*, actor, version: ItemVersion) -> None:
    """Throw away an unpublished draft; published versions stay for ever."""
    require_catalog_admin(actor)
    version = ItemVersion.objects.select_for_update(of=("self",)).select_related("item").get(pk=version.pk)
    version.ensure_draft()
    audit_record(
        actor=actor,
        action="catalog.version_discard",
        target=version,
        data={"item": version.item.code, "number": version.number},
    )
    version.delete()


@transaction.atomic
def item_version_draft(*, actor, item: ServiceItem) -> ItemVersion:
    """Open a draft: a copy of the current version (or an empty one), the only place edits are made."""
    require_catalog_admin(actor)
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    existing = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
    if existing:
        return existing
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    base = item.current_version
    draft = ItemVersion(item=item, number=number, created_by=actor if getattr(actor, "pk", None) else None)
    if base:
        for field in (*VERSION_FIELDS, *SIGN_OFF_FIELDS):
            setattr(draft, field, getattr(base, field))
    else:
        draft.legal_basis, draft.promised_days, draft.online_depth = "", 0, 1
    draft.save()
    if base:
        draft.prerequisites.set(base.prerequisites.all())
        MaterialSpec.objects.bulk_create(
            MaterialSpec(version=draft, position=m.position, **{f: getattr(m, f) for f in MATERIAL_FIELDS})
            for m in base.materials.all()
        )
        cache_bump("catalog")  # bulk_create sends no post_save
    audit_record(actor=actor, action="catalog.version_draft", target=draft, data={"item": item.code, "number": number})
    return draft


@transaction.atomic
def item_version_update(
    *,
    actor,
    version: ItemVersion,
    materials: list[dict] | None = None,
    prerequisites: list[ServiceItem] | None = None,
    **fields,
) -> ItemVersion:
    require_catalog_admin(actor)
    version = ItemVersion.objects.select_for_update().get(pk=version.pk)
    version.ensure_draft()
    unknown = set(fields) - set(VERSION_FIELDS) - set(SIGN_OFF_FIELDS)
    if unknown:
        raise ValueError(f"not version fields: {sorted(unknown)}")
    if "form_example" in fields and fields["form_example"] is None:
        fields["form_example"] = {}  # an emptied 样表 box in the admin: no example
    for field, value in fields.items():
        setattr(version, field, value)
    _full_clean(version, exclude=["item", "created_by", "published_by"])
    if "form_schema" in fields or "form_example" in fields:
        check_schema(version.form_schema)
        check_example(version.form_schema, version.form_example)
    version.save()
    if prerequisites is not None:
        version.prerequisites.set(prerequisites)
    if materials is not None:
        version.materials.all().delete()
        specs = [MaterialSpec(version=version, position=i, **m) for i, m in enumerate(materials, start=1)]
        for spec in specs:
            _full_clean(spec, exclude=["version"])
            _check_material_source(spec)
        MaterialSpec.objects.bulk_create(specs)
        cache_bump("catalog")  # bulk_create sends no post_save
    audit_record(
        actor=actor,
        action="catalog.version_update",
        target=version,
        data={
            "item": version.item.code,
            "fields": sorted(fields),
            "materials": materials is not None,
            "prerequisites": [p.code for p in prerequisites] if prerequisites is not None else None,
        },
    )
    return version


def _check_material_source(spec: MaterialSpec) -> None:
    if spec.source == MaterialSpec.Source.LICENCE and not spec.licence_type_id:
        raise ValidationFailed(fields={"licence_type": [_("来源为电子证照的材料必须指定证照类型")]})
    if spec.source == MaterialSpec.Source.SHARED and not spec.shared_source:
        raise ValidationFailed(fields={"shared_source": [_("来源为共享数据的材料必须指定数据来源")]})


def find_prerequisite_cycle(item: ServiceItem, prerequisites: list[ServiceItem]) -> list[str] | None:
    """The cycle publishing `item` with these prerequisites would close, as codes, or None.

    The published graph has no cycle (publishing always checked), so a new cycle must pass through
    `item`: a breadth-first search from its prerequisites back to it finds the shortest one.
    """
    edges: dict[int, list[int]] = {}
    current = ServiceItem.objects.exclude(current_version=None).values("current_version_id")
    for item_id, prereq_id in ItemVersion.prerequisites.through.objects.filter(itemversion_id__in=current).values_list(
        "itemversion__item_id", "serviceitem_id"
    ):
        edges.setdefault(item_id, []).append(prereq_id)
    edges[item.pk] = [p.pk for p in prerequisites]
    parent: dict[int, int | None] = {item.pk: None}
    queue = deque([item.pk])
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, []):
            if nxt == item.pk:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                ids = list(reversed(path))
                codes = dict(ServiceItem.objects.filter(pk__in=ids).values_list("pk", "code"))
                cycle = [codes[i] for i in ids]
                start = cycle.index(min(cycle))
                cycle = cycle[start:] + cycle[:start]
                return [*cycle, cycle[0]]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


@transaction.atomic
def item_version_publish(*, actor, version: ItemVersion) -> ItemVersion:
    require_catalog_admin(actor)
    version = ItemVersion.objects.select_for_update(of=("self",)).select_related("item").get(pk=version.pk)
    version.ensure_draft()
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    if not version.legal_basis.strip():
        raise ValidationFailed(fields={"legal_basis": [_("发布前必须填写设定依据")]})
    if version.statutory_days is not None and version.promised_days > version.statutory_days:
        raise ValidationFailed(fields={"promised_days": [_("承诺时限不得超过法定时限")]})
    check_schema(version.form_schema)
    check_example(version.form_schema, version.form_example)
    cycle = find_prerequisite_cycle(item, list(version.prerequisites.all()))
    if cycle:
        raise PrerequisiteCycle(
            _("前置条件形成循环（互为前置），不能发布：%(cycle)s") % {"cycle": " → ".join(cycle)}, cycle=cycle
        )
    version.status = ItemVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "pk", None) else None
    # The guard in save() refuses changes to published rows, so the status flip goes through update().
    ItemVersion.objects.filter(pk=version.pk).update(
        status=version.status, published_at=version.published_at, published_by=version.published_by
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    search.index_item(item)
    # 放权同步: the new prerequisites, and the item newly in the published catalog for those that require it.
    devolution_refresh(actor=actor, items=[item])
    audit_record(
        actor=actor,
        action="catalog.version_publish",
        target=version,
        data={
            "item": item.code,
            "number": version.number,
            "devolution_findings": item.devolution_findings.count(),
        },
    )
    return version

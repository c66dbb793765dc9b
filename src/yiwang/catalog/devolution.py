"""放权同步 check: where devolving an item left what it depends on behind (the Shandong study's 放权不同步,
“我改他未改”、“我放他未放”).

An item is out of step when
- a prerequisite sits at a higher level than the item, or has no implementation where the item is carried out
  (in its region, above it, or below it: a city item whose prerequisite the districts carry is in step; a district
  left out of such a prerequisite is the prerequisite's own neighbour finding): the applicant is sent back up, or
  nowhere, before the devolved item can start;
- another item of the same 一件事 sits at a higher level: the “one thing” is no longer one window's;
- a department taking part in its process (a stage's lead or an assisting department) sits above the region the
  item is implemented in: the devolved approval still waits on the level above;
- it is devolved to one district but not to the district's neighbours under the same city.

Levels are Region.Level's order (省 above 市 above 区/县 above 街道/镇 above 社区/村); ServiceItem.Level uses the
same words for the levels an item can be carried out at, so one ranking compares items, regions and departments.

`devolution_mismatches` only reads. `devolution_refresh` stores what it finds as DevolutionFinding rows, a step
of the catalog's write services (publication, item, bundle, implementation and process changes), which have
checked their actor and hold the transaction it writes in.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.core.audit import audit_record
from yiwang.org.models import Department, Region
from yiwang.workflow.models import ProcessDefinition, Stage, StageParticipant

from .models import BundleItem, DevolutionFinding, ItemImplementation, ItemVersion, ServiceItem

Kind = DevolutionFinding.Kind

# 0 is the top: a smaller rank is a higher level.
LEVEL_RANK = {level: rank for rank, level in enumerate(Region.Level.values)}
assert set(ServiceItem.Level.values) <= set(LEVEL_RANK), "an item level must be a region level"
LEVEL_LABELS = {
    Region.Level.PROVINCE: gettext_lazy("省级"),
    Region.Level.CITY: gettext_lazy("市级"),
    Region.Level.COUNTY: gettext_lazy("区/县级"),
    Region.Level.TOWN: gettext_lazy("街道/镇级"),
    Region.Level.COMMUNITY: gettext_lazy("社区/村级"),
}


def is_higher(level: str, than: str) -> bool:
    return LEVEL_RANK[level] < LEVEL_RANK[than]


@dataclass(frozen=True)
class Finding:
    kind: str
    item: ServiceItem
    related_item: ServiceItem | None = None
    department: Department | None = None
    region: Region | None = None
    message: str = field(default="", compare=False)

    def key(self) -> tuple:
        """Codes, not ids: what a test names and what the audit entry records."""
        return (
            str(self.kind),
            self.item.code,
            self.related_item.code if self.related_item else "",
            self.department.code if self.department else "",
            self.region.code if self.region else "",
        )

    def ids(self) -> tuple:
        return (
            str(self.kind),
            self.item.pk,
            getattr(self.related_item, "pk", None),
            getattr(self.department, "pk", None),
            getattr(self.region, "pk", None),
        )

    def as_dict(self) -> dict:
        kind, item, related_item, department, region = self.key()
        return {
            "kind": kind,
            "kind_label": str(Kind(kind).label),
            "item": item,
            "item_name": self.item.name,
            "related_item": related_item,
            "department": department,
            "region": region,
            "message": self.message,
        }


ITEM_COLUMNS = ("code", "name", "level", "current_version_id")


def devolution_mismatches(*, items: Iterable | None = None) -> list[Finding]:
    """Every mismatch of the published items (or of those among `items`, instances or ids), in item-code order."""
    subject_qs = ServiceItem.objects.exclude(current_version=None)
    if items is not None:
        subject_qs = subject_qs.filter(pk__in=[getattr(i, "pk", i) for i in items])
    subjects = {i.pk: i for i in subject_qs.only(*ITEM_COLUMNS)}
    if not subjects:
        return []
    subject_ids = subject_qs.values("pk")

    prerequisites: dict[int, list[int]] = defaultdict(list)
    through = ItemVersion.prerequisites.through.objects.filter(itemversion_id__in=subject_qs.values("current_version"))
    for item_id, prerequisite_id in through.values_list("itemversion__item_id", "serviceitem_id"):
        prerequisites[item_id].append(prerequisite_id)
    bundles: dict[int, tuple[str, list[int]]] = {}
    entries = BundleItem.objects.filter(bundle__in=BundleItem.objects.filter(item__in=subject_ids).values("bundle"))
    for bundle_id, name, item_id in entries.order_by("bundle__code", "position").values_list(
        "bundle_id", "bundle__name", "item_id"
    ):
        bundles.setdefault(bundle_id, (name, []))[1].append(item_id)

    required = {p for ps in prerequisites.values() for p in ps}
    wanted = required | {i for _n, ids in bundles.values() for i in ids}
    items_by_id = dict(subjects)
    items_by_id.update((i.pk, i) for i in ServiceItem.objects.filter(pk__in=wanted - set(subjects)).only(*ITEM_COLUMNS))

    implementations = (
        ItemImplementation.objects.filter(active=True)
        .filter(Q(item__in=subject_ids) | Q(item_id__in=required - set(subjects)))
        .select_related("department__region")
    )
    regions_of: dict[int, dict[int, Region]] = defaultdict(dict)
    region_of_implementation: dict[int, Region] = {}
    for impl in implementations:
        region = impl.department.region
        regions_of[impl.item_id][region.pk] = region
        if impl.item_id in subjects:
            region_of_implementation[impl.pk] = region

    found: list[Finding] = []
    for item in subjects.values():
        found += _prerequisite_findings(item, prerequisites[item.pk], items_by_id, regions_of)
        found += _bundle_findings(item, bundles, items_by_id)
    found += _department_findings(subjects, subject_ids, region_of_implementation)
    found += _neighbour_findings(subjects, regions_of)
    order = {kind: n for n, kind in enumerate(Kind.values)}
    return sorted(found, key=lambda f: (f.item.code, order[f.kind], f.key()))


def _prerequisite_findings(item, prerequisite_ids, items_by_id, regions_of) -> list[Finding]:
    found = []
    for prerequisite in sorted((items_by_id[p] for p in prerequisite_ids), key=lambda i: i.code):
        if is_higher(prerequisite.level, item.level):
            message = _("前置事项「%(related)s」在%(related_level)s实施，高于本事项的%(level)s") % {
                "related": prerequisite,
                "related_level": LEVEL_LABELS[prerequisite.level],
                "level": LEVEL_LABELS[item.level],
            }
            found.append(Finding(Kind.PREREQUISITE_HIGHER, item, related_item=prerequisite, message=message))
        available = regions_of[prerequisite.pk].values()
        for region in regions_of[item.pk].values():
            if not any(region.is_within(r) or r.is_within(region) for r in available):
                message = _("前置事项「%(related)s」在%(region)s及其上级区划均无实施，申请人无处先行办理") % {
                    "related": prerequisite,
                    "region": region.name,
                }
                found.append(
                    Finding(Kind.PREREQUISITE_MISSING, item, related_item=prerequisite, region=region, message=message)
                )
    return found


def _bundle_findings(item, bundles, items_by_id) -> list[Finding]:
    shared: dict[int, list[str]] = defaultdict(list)  # sibling -> the bundles both are in
    for name, members in bundles.values():
        if item.pk in members:
            for sibling in members:
                if sibling != item.pk:
                    shared[sibling].append(name)
    found = []
    for sibling_id, names in shared.items():
        sibling = items_by_id[sibling_id]
        if is_higher(sibling.level, item.level):
            message = _("同一件事（%(bundles)s）中的「%(related)s」在%(related_level)s实施，高于本事项的%(level)s") % {
                "bundles": "、".join(names),
                "related": sibling,
                "related_level": LEVEL_LABELS[sibling.level],
                "level": LEVEL_LABELS[item.level],
            }
            found.append(Finding(Kind.BUNDLE_HIGHER, item, related_item=sibling, message=message))
    return found


def _department_findings(subjects, subject_ids, region_of_implementation) -> list[Finding]:
    """Departments in the newest process of each active implementation, above the implementation's region."""
    newest: dict[int, tuple[int, int, int]] = {}  # implementation -> (number, definition, item)
    definitions = ProcessDefinition.objects.filter(implementation__active=True, implementation__item__in=subject_ids)
    for pk, implementation_id, number, item_id in definitions.values_list(
        "pk", "implementation_id", "number", "implementation__item_id"
    ):
        if number > newest.get(implementation_id, (0, 0, 0))[0]:
            newest[implementation_id] = (number, pk, item_id)
    implementation_of = {pk: implementation_id for implementation_id, (_n, pk, _i) in newest.items()}
    taking_part: list[tuple[int, Department]] = [
        (stage.definition_id, stage.lead_department)
        for stage in Stage.objects.filter(definition__in=list(implementation_of)).select_related(
            "lead_department__region"
        )
    ]
    taking_part += [
        (p.stage.definition_id, p.department)
        for p in StageParticipant.objects.filter(stage__definition__in=list(implementation_of)).select_related(
            "stage", "department__region"
        )
    ]
    found: dict[tuple, Finding] = {}
    for definition_id, department in taking_part:
        implementation_id = implementation_of[definition_id]
        home = region_of_implementation[implementation_id]
        if not is_higher(department.region.level, home.level):
            continue
        item = subjects[newest[implementation_id][2]]
        message = _("在%(region)s实施，参与审批的%(department)s为%(department_level)s部门，高于实施区划的%(level)s") % {
            "region": home.name,
            "department": department,
            "department_level": LEVEL_LABELS[department.region.level],
            "level": LEVEL_LABELS[home.level],
        }
        finding = Finding(Kind.DEPARTMENT_HIGHER, item, department=department, region=home, message=message)
        found.setdefault(finding.ids(), finding)
    return list(found.values())


def _neighbour_findings(subjects, regions_of) -> list[Finding]:
    """Counties under the same parent as a county an item is implemented in, that do not implement it."""
    county = Region.Level.COUNTY
    devolved = {item_id: [r for r in regions_of[item_id].values() if r.level == county] for item_id in subjects}
    parents = {r.parent_id for counties in devolved.values() for r in counties}
    if not parents:
        return []
    neighbours: dict[int, list[Region]] = defaultdict(list)
    for region in Region.objects.filter(parent_id__in=parents, level=county).select_related("parent"):
        neighbours[region.parent_id].append(region)
    found = []
    for item_id, counties in devolved.items():
        for parent_id in sorted({r.parent_id for r in counties}):
            carrying = [r for r in counties if r.parent_id == parent_id]
            for neighbour in neighbours[parent_id]:
                if neighbour.pk in regions_of[item_id]:
                    continue
                message = _("已下放至%(devolved)s实施，同属%(parent)s的%(region)s未实施") % {
                    "devolved": "、".join(sorted(r.name for r in carrying)),
                    "parent": neighbour.parent.name,
                    "region": neighbour.name,
                }
                found.append(Finding(Kind.NEIGHBOUR_MISSING, subjects[item_id], region=neighbour, message=message))
    return found


def affected_items(item_ids: Iterable[int]) -> set[int]:
    """The items whose findings a change to these items can change: themselves, the items that require one of
    them (a level or an implementation changed), and their bundle siblings."""
    ids = set(item_ids)
    requiring = ServiceItem.objects.filter(current_version__prerequisites__in=ids).values_list("pk", flat=True)
    siblings = BundleItem.objects.filter(
        bundle__in=BundleItem.objects.filter(item__in=ids).values("bundle")
    ).values_list("item_id", flat=True)
    return ids | set(requiring) | set(siblings)


@transaction.atomic
def devolution_refresh(*, actor, items: Iterable | None = None) -> dict[str, list]:
    """Check again the items a change to `items` (instances or ids; None: the whole catalog) can affect and replace
    their stored findings; the audit entry records what appeared and what went. Returns that change."""
    stored = DevolutionFinding.objects.select_related("item", "related_item", "department", "region")
    # The stored message is the record's, in the platform's language, whoever's language the change came in.
    with translation.override(settings.LANGUAGE_CODE):
        if items is None:
            findings = devolution_mismatches()
        else:
            checked = affected_items(getattr(i, "pk", i) for i in items)
            findings = devolution_mismatches(items=checked)
            stored = stored.filter(item__in=checked)
    now = {f.ids(): f for f in findings}
    before = {}
    for row in stored:
        before[(row.kind, row.item_id, row.related_item_id, row.department_id, row.region_id)] = row
    gone = [row for ids, row in before.items() if ids not in now]
    DevolutionFinding.objects.filter(pk__in=[row.pk for row in gone]).delete()
    moment = timezone.now()
    new = [f for ids, f in now.items() if ids not in before]
    DevolutionFinding.objects.bulk_create(
        DevolutionFinding(
            kind=f.kind,
            item=f.item,
            related_item=f.related_item,
            department=f.department,
            region=f.region,
            message=f.message,
            found_at=moment,
        )
        for f in new
    )
    reworded = []
    for ids, row in before.items():
        if ids in now and row.message != now[ids].message:
            row.message = now[ids].message
            reworded.append(row)
    DevolutionFinding.objects.bulk_update(reworded, ["message"])
    change = {"added": [_label(f.key()) for f in new], "removed": [_label(_row_key(row)) for row in gone]}
    if new or gone:
        audit_record(actor=actor, action="catalog.devolution_refresh", shard_key="catalog.devolution", data=change)
    return change


def _row_key(row: DevolutionFinding) -> tuple:
    return Finding(row.kind, row.item, row.related_item, row.department, row.region).key()


def _label(key: tuple) -> str:
    kind, *rest = key
    return f"{kind}:{'/'.join(part for part in rest if part)}"

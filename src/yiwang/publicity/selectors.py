"""Public reads: the 双公示 search and the 权责清单. Everything here is published to anyone, signed in or not; the
rows hold nothing the public may not see (a person's name and number are masked when published). One staff read:
the departments' 双公示 timeliness, restricted like the efficiency figures."""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yiwang.catalog.models import ItemImplementation, ItemVersion, ServiceItem
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict
from yiwang.org.models import Department, Region
from yiwang.org.selectors import department_detail

from .models import Publication
from .powers import DUTIES, Duties


@dataclass(frozen=True)
class PublicationFilter:
    """The search form's fields, each optional; together they narrow the list."""

    kind: str = ""
    holder: str = ""  # part of the party's name
    code: str = ""  # an entity's USCC, whole
    number: str = ""  # a decision's or licence's number, whole
    item: str = ""  # part of the licence item's or the penalty kind's name
    department: str = ""  # a department's code
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None


def _shown(today: dt.date) -> QuerySet[Publication]:
    """Publications still shown: a penalty's stop after its longest publication period."""
    return Publication.objects.filter(Q(shown_until__isnull=True) | Q(shown_until__gte=today))


def publication_search(criteria: PublicationFilter, *, today: dt.date | None = None) -> QuerySet[Publication]:
    rows = _shown(today or timezone.localdate()).select_related("department__region", "licence")
    if criteria.kind in Publication.Kind.values:
        rows = rows.filter(kind=criteria.kind)
    if criteria.holder.strip():
        rows = rows.filter(holder_name__contains=criteria.holder.strip())
    if criteria.code.strip():
        rows = rows.filter(holder_code=criteria.code.strip().upper())
    if criteria.number.strip():
        number = criteria.number.strip()
        rows = rows.filter(Q(decision_number=number) | Q(licence_number=number))
    if criteria.item.strip():
        rows = rows.filter(title__contains=criteria.item.strip())
    if criteria.department:
        rows = rows.filter(department__code=criteria.department)
    if criteria.decided_from:
        rows = rows.filter(decided_on__gte=criteria.decided_from)
    if criteria.decided_to:
        rows = rows.filter(decided_on__lte=criteria.decided_to)
    return rows.order_by("-decided_on", "-pk")


def publication_detail(pk: int, *, today: dt.date | None = None) -> Publication:
    found = (
        _shown(today or timezone.localdate())
        .select_related("department__region", "licence__licence_type", "item", "penalty")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def publishing_departments() -> QuerySet[Department]:
    """The departments that have published something: the search form's choice of department."""
    return (
        Department.objects.filter(Exists(Publication.objects.filter(department=OuterRef("pk"))))
        .select_related("region")
        .order_by("region__path", "kind")
    )


def _carried(prefix: str = "") -> Q:
    """An implementation in use, of an item with a published version."""
    return Q(**{f"{prefix}active": True, f"{prefix}item__current_version__isnull": False})


def power_departments() -> list[tuple[Region, list[Department]]]:
    """权责清单's index: every department that carries out an item, with how many, grouped by region from the top."""
    departments = (
        Department.objects.select_related("region")
        .annotate(item_count=Count("implementations", filter=_carried("implementations__")))
        .filter(item_count__gt=0)
        .order_by("region__path", "kind")
    )
    return [(region, list(group)) for region, group in itertools.groupby(departments, key=lambda d: d.region)]


@dataclass(frozen=True)
class Power:
    """One item a department carries out, with the limits it is held to there."""

    implementation: ItemImplementation
    item: ServiceItem
    version: ItemVersion
    promised_days: int


@dataclass(frozen=True)
class PowerGroup:
    """One kind of power of a department: its items, what the department answers for in exercising each, and the
    law under which it is held to account."""

    kind: str
    label: str
    duties: Duties
    powers: list[Power]


def power_list(*, code: str) -> tuple[Department, list[PowerGroup]]:
    """One department's 权责清单: the items it carries out, by kind in the catalog's order of kinds."""
    department = department_detail(code=code)
    implementations = (
        ItemImplementation.objects.filter(_carried(), department=department)
        .select_related("item__current_version")
        .order_by("item__code")
    )
    by_kind: dict[str, list[Power]] = {}
    for implementation in implementations:
        item, version = implementation.item, implementation.item.current_version
        power = Power(implementation, item, version, implementation.promised_days_for(version))
        by_kind.setdefault(item.kind, []).append(power)
    groups = [
        PowerGroup(kind, label, DUTIES[kind], by_kind[kind])
        for kind, label in ServiceItem.Kind.choices
        if kind in by_kind
    ]
    return department, groups


@dataclass(frozen=True)
class Timeliness:
    """双公示时效 of one department over a period: its decisions, how many went online after their 7 working days."""

    department: Department
    decisions: int
    late: int

    @property
    def on_time_rate(self) -> float | None:
        return (self.decisions - self.late) / self.decisions if self.decisions else None


def publication_timeliness(*, actor, start: dt.date, end: dt.date) -> tuple[list[Timeliness], QuerySet[Publication]]:
    """The departments' 双公示 timeliness for decisions of [start, end), and the late publications themselves, among
    those the actor may watch (insights_view: a district's 效能监察 its district, a 负责人 their department)."""
    rows = restrict(Publication.objects.all(), actor, "insights_view").filter(decided_on__gte=start, decided_on__lt=end)
    counted = rows.values("department").annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True))).order_by()
    departments = Department.objects.select_related("region").in_bulk([row["department"] for row in counted])
    table = sorted(
        (Timeliness(departments[row["department"]], row["n"], row["late"]) for row in counted),
        key=lambda t: (-t.late, str(t.department)),
    )
    late = rows.filter(late=True).select_related("department__region").order_by("-decided_on", "-pk")
    return table, late

"""Reading the indicators: the daily figures summed over a period and a scope, restricted to what the actor may
see (insights_view: a region's leaders and 效能监察 their subtree, a department's head their department), broken
down by region, department, item, centre, window or staff, with a trend over the period's parts."""

import dataclasses

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from yiwang.core.errors import NotFound
from yiwang.core.permissions import get_restricted, restrict
from yiwang.org.models import Region

from .indicators import evaluate
from .models import COUNTERS, DailyFigure, MonthlyFigure
from .periods import Period

BREAKDOWNS = ("region", "department", "item", "center", "window", "staff")
_LABELS = {
    "department": ("department__region__name", "department__name"),
    "item": ("item__code", "item__name"),
    "center": ("center__name",),
    "window": ("window__center__name", "window__number"),
    "staff": ("staff__display_name",),
}


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which figures: a region subtree, and optionally one department, item, centre, window or staff member."""

    region: Region | None = None
    department_id: int | None = None
    item_id: int | None = None
    center_id: int | None = None
    window_id: int | None = None
    staff_id: int | None = None

    def filter(self) -> Q:
        where = Q()
        if self.region is not None:
            where &= Q(region__path__startswith=self.region.path)
        for name in ("department", "item", "center", "window", "staff"):
            value = getattr(self, f"{name}_id")
            if value is not None:
                where &= Q(**{f"{name}_id": value})
        return where


def _sums() -> dict:
    return {name: Sum(name) for name in COUNTERS}


def _counts(row: dict) -> dict:
    return {name: row.get(name) or 0 for name in COUNTERS}


def _rows(actor, scope: Scope, period: Period, *, daily: bool = False):
    """The figure rows of the scope and period, and the name of their date field. A whole month, quarter or year
    over regions, departments and items is read from the monthly roll-up; a day, a month's days, or a centre,
    window or staff member from the daily rows."""
    fine = scope.center_id is not None or scope.window_id is not None or scope.staff_id is not None
    model, field = (DailyFigure, "day") if daily or fine or period.kind == "day" else (MonthlyFigure, "month")
    rows = model.objects.all() if actor is None else restrict(model.objects.all(), actor, "insights_view")
    return rows.filter(scope.filter(), **{f"{field}__gte": period.start, f"{field}__lt": period.end}), field


def counts(*, actor, scope: Scope, period: Period) -> dict:
    """The counters summed over the scope and period; actor None reads them unrestricted (the public pages, which
    show every department's figures)."""
    rows, _field = _rows(actor, scope, period)
    return _counts(rows.aggregate(**_sums()))


def indicators(*, actor, scope: Scope, period: Period, codes=None) -> dict:
    return evaluate(counts(actor=actor, scope=scope, period=period), codes)


def trend(*, actor, scope: Scope, period: Period, codes=None) -> list[dict]:
    """The indicators at each of the period's parts (a year's months, a month's days), in one query."""
    rows, field = _rows(actor, scope, period, daily=period.kind in ("month", "day"))
    if field == "day" and period.kind in ("year", "quarter"):
        rows, field = rows.annotate(part=TruncMonth("day")), "part"
    found = {row[field]: _counts(row) for row in rows.values(field).annotate(**_sums()).order_by()}
    return [{"period": str(part), **evaluate(found.get(part.start, {}), codes)} for part in period.parts()]


def breakdown(*, actor, scope: Scope, period: Period, by: str, codes=None) -> list[dict]:
    """The indicators per child region of the scope's region (by="region"), or per department, item, centre,
    window or staff member, each row with its id, label and counts; rows with no figure in the period are absent."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    rows, _field = _rows(actor, scope, period, daily=by in ("center", "window", "staff"))
    if by == "region":
        return _by_child_region(rows, scope, codes)
    grouped = rows.values(f"{by}_id", *_LABELS[by]).annotate(**_sums()).order_by()
    result = []
    for row in grouped:
        if row[f"{by}_id"] is None:
            continue
        label = "".join(str(row[name] or "") for name in _LABELS[by] if row[name])
        counts_ = _counts(row)
        result.append(
            {"id": row[f"{by}_id"], "label": label, "counts": counts_, "indicators": evaluate(counts_, codes)}
        )
    return sorted(result, key=lambda r: r["label"])


def _by_child_region(rows, scope: Scope, codes) -> list[dict]:
    parent = scope.region
    children = list(
        Region.objects.filter(parent=parent) if parent is not None else Region.objects.filter(parent__isnull=True)
    )
    by_path = {child.path: child for child in children}
    totals: dict[int, dict] = {}
    for row in rows.values("region__path").annotate(**_sums()).order_by():
        child = next((c for path, c in by_path.items() if row["region__path"].startswith(path)), None)
        if child is None:
            continue
        into = totals.setdefault(child.pk, dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            into[name] += row[name] or 0
    return [
        {
            "id": child.pk,
            "code": child.code,
            "label": child.name,
            "counts": totals[child.pk],
            "indicators": evaluate(totals[child.pk], codes),
        }
        for child in children
        if child.pk in totals
    ]


def scope_for(*, actor, region="", department="", item="", center=None, window=None, staff="") -> Scope:
    """The scope named by codes (区划代码, 部门编码, 事项编码, a centre's or window's id, a staff username), each
    looked up among what the actor may see: one out of reach is the same NotFound as one that does not exist.
    Actor None looks up the public's (any region, department or item; no centre, window or staff)."""
    from yiwang.accounts.models import User
    from yiwang.catalog.models import ServiceItem
    from yiwang.org.models import Department, ServiceCenter, Window

    def one(queryset, **lookup):
        if actor is None:
            return get_or_404(queryset, **lookup)
        return get_restricted(queryset, actor, "insights_view", **lookup)

    found = {}
    if region:
        found["region"] = one(Region.objects.all(), code=region)
    if department:
        found["department_id"] = one(Department.objects.all(), code=department).pk
    if item:
        found["item_id"] = get_or_404(ServiceItem.objects.all(), code=item).pk
    if actor is not None:
        if center is not None:
            found["center_id"] = one(ServiceCenter.objects.all(), pk=center).pk
        if window is not None:
            found["window_id"] = one(Window.objects.all(), pk=window).pk
        if staff:
            found["staff_id"] = get_or_404(User.objects.all(), username=staff).pk
    return Scope(**found)


def get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound() from None

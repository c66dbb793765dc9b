"""Reading the indicators: the daily figures summed over a period and a scope, restricted to what the actor may
see (insights_view: a region's leaders and 效能监察 their subtree, a department's head their department), broken
down by region, department, item, centre, window or staff, with a trend over the period's parts."""

import dataclasses

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from yiwang.core.errors import NotFound
from yiwang.core.permissions import get_restricted, restrict, restrict_region_wide
from yiwang.org.models import Department, Region, Window

from .indicators import evaluate
from .models import COUNTERS, DailyFigure, MonthlyFigure
from .periods import Period

BREAKDOWNS = ("region", "department", "item", "center", "window", "staff")


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
    joined = _JOINED_NAMES.get(by, ())
    grouped = [
        row for row in rows.values(f"{by}_id", *joined).annotate(**_sums()).order_by() if row[f"{by}_id"] is not None
    ]
    named = (
        {row[f"{by}_id"]: {"label": next((row[n] for n in joined if row[n]), "")} for row in grouped}
        if joined
        else _names(by, [row[f"{by}_id"] for row in grouped])
    )
    result = []
    for row in grouped:
        counts_ = _counts(row)
        result.append(
            {"id": row[f"{by}_id"], **named[row[f"{by}_id"]], "counts": counts_, "indicators": evaluate(counts_, codes)}
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
    from yiwang.catalog.models import ServiceItem
    from yiwang.org.models import ServiceCenter, StaffRole

    def one(queryset, **lookup):
        return _one(queryset, actor, **lookup)

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
            # A username is looked up among the staff roles the actor reads, so that no one learns from the answer
            # which usernames exist elsewhere.
            roles = restrict(StaffRole.objects.filter(user__username=staff), actor, "insights_view")
            found["staff_id"] = roles.values_list("user", flat=True).first()
            if found["staff_id"] is None:
                raise NotFound()
    return Scope(**found)


def get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise NotFound() from None


# The dashboards' reads (insights/views): where a reader's overview starts, the names a breakdown links by, the
# regions and departments the public pages list, and the cases behind an item's figures.


def home_region(*, actor) -> Region | None:
    """The widest region the actor reads whole (a district's 效能监察 their district, the city's the city); None for
    one who reads only a department's figures (a 负责人)."""
    return restrict_region_wide(Region.objects.all(), actor, "insights_view").order_by("depth", "path").first()


def home_department(*, actor):
    """The department whose figures a 负责人 reads; the overview opens on it."""
    return restrict(Department.objects.select_related("region"), actor, "insights_view").first()


def _one(queryset, actor, **lookup):
    if actor is None:
        return get_or_404(queryset, **lookup)
    return get_restricted(queryset, actor, "insights_view", **lookup)


def region_of(*, actor, code: str) -> Region:
    """A region whose figures the actor reads whole (actor None: the public, any); out of reach is NotFound. A
    负责人 reads a region's figures only as far as their department's go, which a page titled by the region would
    misstate: their pages are their department's."""
    if actor is None:
        return get_or_404(Region.objects.all(), code=code)
    return get_or_404(restrict_region_wide(Region.objects.all(), actor, "insights_view"), code=code)


def department_of(*, actor, code: str) -> Department:
    return _one(Department.objects.select_related("region"), actor, code=code)


def item_of(*, department, code: str):
    """An item the department carries out (an implementation of it, in use or not: past cases keep their figures),
    by its code; any other is NotFound, as a page of figures that can only be empty would mislead."""
    from yiwang.catalog.models import ServiceItem

    return get_or_404(ServiceItem.objects.filter(implementations__department=department).distinct(), code=code)


# A hall's and a staff member's name is one column of the row itself, read in the breakdown's own query.
_JOINED_NAMES = {"center": ("center__name",), "staff": ("staff__display_name", "staff__username")}


def _names(by: str, ids: list[int]) -> dict[int, dict]:
    """What a department's, an item's or a window's row is called, and the code its page is found by, in one query:
    the names as everywhere else (a street office's own name, "海珠区政务服务中心 1号窗口")."""
    from yiwang.catalog.models import ServiceItem

    if by == "department":
        found = Department.objects.filter(pk__in=ids).select_related("region")
        return {d.pk: {"code": d.code, "label": str(d)} for d in found}
    if by == "item":
        found = ServiceItem.objects.filter(pk__in=ids).values_list("pk", "code", "name")
        return {pk: {"code": code, "label": name} for pk, code, name in found}
    return {w.pk: {"label": str(w)} for w in Window.objects.filter(pk__in=ids).select_related("center")}


def public_regions():
    """The regions with departments of their own (the city, its districts): those the public pages list."""
    return Region.objects.filter(pk__in=Department.objects.values("region")).exclude(level=Region.Level.TOWN)


def public_departments():
    return Department.objects.filter(region__in=public_regions()).select_related("region")


def case_list(*, actor, scope: Scope, period: Period):
    """The cases behind the scope's figures in the period: those received, accepted or decided in it (the days the
    figures count them on), newest first; restricted like the figures."""
    from yiwang.cases.models import Case

    from .counting import local_bounds

    since, until = local_bounds(period.start, period.end)
    where = Q(received_on__gte=period.start, received_on__lt=period.end)
    where |= Q(accepted_on__gte=period.start, accepted_on__lt=period.end)
    where |= Q(decided_at__gte=since, decided_at__lt=until)
    cases = restrict(Case.objects.exclude(status=Case.Status.DRAFT), actor, "insights_view").filter(where)
    if scope.region is not None:
        cases = cases.filter(region__path__startswith=scope.region.path)
    if scope.department_id is not None:
        cases = cases.filter(department_id=scope.department_id)
    if scope.item_id is not None:
        cases = cases.filter(item_id=scope.item_id)
    return cases.select_related("intake_window__center").order_by("-received_on", "-number")

"""What a dashboard shows, built once for its page, its Excel workbook and the department's monthly PDF: the
headline indicators with 环比, the trend over the period's parts, and the breakdowns, each a Table of typed cells
(a rate stays a fraction until it is shown), and the charts drawn from them."""

import dataclasses
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .indicators import INDICATORS, evaluate
from .models import DailyFigure
from .periods import Period

# The volumes shown beside the indicators: how much work the rates are about.
VOLUMES = ("applied", "accepted", "decided", "ratings")
# The headline cards; the headline table carries every indicator.
CARDS = ("online_rate", "full_online_rate", "on_time_rate", "early_rate", "satisfaction_rate", "avg_working_days")
# The trend chart's lines, and the bars of a breakdown's chart (rates, drawn as percentages).
TREND_LINES = ("online_rate", "on_time_rate", "satisfaction_rate", "zero_visit_rate")
BARS = ("online_rate", "on_time_rate", "satisfaction_rate")
# A hall's, a window's or a clerk's applications are all taken at the window: 网办率 says nothing of them.
WINDOW_BARS = ("first_time_accepted_rate", "on_time_rate", "satisfaction_rate")
# A breakdown's columns on the page; its Excel sheet has every indicator.
BRIEF = (
    "online_rate",
    "full_online_rate",
    "on_time_rate",
    "early_rate",
    "avg_working_days",
    "satisfaction_rate",
    "zero_visit_rate",
    "overdue_count",
)
# A bar chart shows the rows with the most applications; the table under it lists them all.
BARS_SHOWN = 15


@dataclasses.dataclass(frozen=True)
class Cell:
    value: object
    # "text", or how a number reads: "rate" (a fraction shown as a percentage), "average", "count", "points" (a
    # rate's 环比, in percentage points) or "change" (a count's or an average's 环比, as a fraction).
    kind: str = "text"
    # "better" or "worse" for a 环比 that moved the way the indicator is good or bad; "" otherwise.
    tone: str = ""
    link: str = ""


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    # Shown on the page too, not only in the Excel sheet.
    brief: bool = True


@dataclasses.dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]

    @property
    def brief(self) -> "Table":
        keep = [n for n, column in enumerate(self.columns) if column.brief]
        return Table(
            self.key, self.title, [self.columns[n] for n in keep], [[row[n] for n in keep] for row in self.rows]
        )


@dataclasses.dataclass
class Dashboard:
    title: str
    period: Period
    previous: Period
    cards: list[dict]
    tables: list[Table]
    charts: dict

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def volume_label(name: str) -> str:
    return str(DailyFigure._meta.get_field(name).verbose_name)


def _kind(code: str) -> str:
    return INDICATORS[code].kind


def _change(code: str | None, now, before) -> Cell:
    """环比: a rate's difference in percentage points, a count's or an average's relative change."""
    if now is None or before is None:
        return Cell(None, "points" if code and _kind(code) == "rate" else "change")
    if code and _kind(code) == "rate":
        moved, kind = now - before, "points"
    elif before:
        moved, kind = (now - before) / before, "change"
    else:
        return Cell(None, "change")
    # More applications are neither better nor worse; an indicator moves one way or the other.
    if code is None or abs(moved) < 1e-9:
        return Cell(moved, kind)
    tone = "better" if (moved > 0) != INDICATORS[code].lower_is_better else "worse"
    return Cell(moved, kind, tone)


def headline(*, actor, scope, period: Period) -> tuple[list[dict], Table]:
    """The cards and the table of every indicator and volume this period, the previous one, and 环比."""
    previous = period.previous()
    now = selectors.counts(actor=actor, scope=scope, period=period)
    before = selectors.counts(actor=actor, scope=scope, period=previous)
    values_now = evaluate(now)
    values_before = evaluate(before)
    rows = []
    for name in VOLUMES:
        rows.append(
            [
                Cell(volume_label(name)),
                Cell(now[name], "count"),
                Cell(before[name], "count"),
                _change(None, now[name], before[name]),
            ]
        )
    for code, indicator in INDICATORS.items():
        rows.append(
            [
                Cell(str(indicator.label)),
                Cell(values_now[code], indicator.kind),
                Cell(values_before[code], indicator.kind),
                _change(code, values_now[code], values_before[code]),
            ]
        )
    cards = [
        {
            "code": code,
            "label": str(INDICATORS[code].label),
            "value": Cell(values_now[code], _kind(code)),
            "change": _change(code, values_now[code], values_before[code]),
        }
        for code in CARDS
    ]
    columns = [
        Column(_("指标")),
        Column(_("本期（%(p)s）") % {"p": period}),
        Column(_("上期（%(p)s）") % {"p": previous}),
        Column(_("环比")),
    ]
    return cards, Table("headline", _("主要指标"), columns, rows)


def trend(*, actor, scope, period: Period) -> tuple[Table, dict]:
    points = selectors.trend(actor=actor, scope=scope, period=period)
    columns = [Column(_("统计周期"))] + [Column(str(i.label), code in TREND_LINES) for code, i in INDICATORS.items()]
    rows = [[Cell(point["period"])] + [Cell(point[code], i.kind) for code, i in INDICATORS.items()] for point in points]
    chart = {
        "key": "trend",
        "title": _("趋势（%）"),
        "periods": [point["period"] for point in points],
        "series": [
            {"name": str(INDICATORS[code].label), "data": [_percent(point[code]) for point in points]}
            for code in TREND_LINES
        ],
    }
    return Table("trend", _("趋势"), columns, rows), chart


def breakdown(
    *, actor, scope, period: Period, by: str, key: str, title: str, link: Callable[[str, dict], str] | None = None
) -> tuple[Table, dict | None]:
    """One row per child region, department, item, centre, window or staff member, with a bar chart of the
    busiest."""
    rows = selectors.breakdown(actor=actor, scope=scope, period=period, by=by)
    columns = [Column(_("名称")), *(Column(volume_label(n), n in ("applied", "decided")) for n in VOLUMES)]
    columns += [Column(str(i.label), code in BRIEF) for code, i in INDICATORS.items()]
    cells = []
    for row in rows:
        line = [Cell(row["label"], link=link(by, row) if link else "")]
        line += [Cell(row["counts"][n], "count") for n in VOLUMES]
        line += [Cell(row["indicators"][code], i.kind) for code, i in INDICATORS.items()]
        cells.append(line)
    busiest = sorted(rows, key=lambda r: -r["counts"]["applied"])[:BARS_SHOWN]
    chart = None
    if busiest:
        chart = {
            "key": key,
            "title": _("%(title)s：申报最多的 %(n)d 个（%%）") % {"title": title, "n": len(busiest)},
            "names": [row["label"] for row in busiest],
            "series": [
                {"name": str(INDICATORS[code].label), "data": [_percent(row["indicators"][code]) for row in busiest]}
                for code in (WINDOW_BARS if by in ("center", "window", "staff") else BARS)
            ],
        }
    return Table(key, title, columns, cells), chart


def _percent(value):
    return None if value is None else round(value * 100, 2)


# Which breakdowns each page has: (by, table key, title). A district's page also shows its halls' windows and
# staff; the public's pages never name a staff member.
REGION_PARTS = (
    ("region", "regions", gettext_lazy("按下级区划")),
    ("department", "departments", gettext_lazy("按部门")),
)
DISTRICT_PARTS = (
    *REGION_PARTS,
    ("center", "centers", gettext_lazy("按政务服务中心")),
    ("window", "windows", gettext_lazy("按窗口")),
    ("staff", "staff", gettext_lazy("按受理人员")),
)
DEPARTMENT_PARTS = (("item", "items", gettext_lazy("按事项")),)


def build(*, actor, scope, period: Period, title: str, parts=(), link=None) -> Dashboard:
    """A dashboard of the scope: headline, trend and the breakdowns `parts`; `link(by, row)` gives a breakdown
    row's page (the staff's or the public's), or "" for none."""
    cards, headline_table = headline(actor=actor, scope=scope, period=period)
    trend_table, trend_chart = trend(actor=actor, scope=scope, period=period)
    tables, bars = [headline_table, trend_table], []
    for by, key, heading in parts:
        table, chart = breakdown(actor=actor, scope=scope, period=period, by=by, key=key, title=str(heading), link=link)
        if by == "region" and not table.rows:
            continue  # a district's streets, whose cases are filed under the district: no empty table
        tables.append(table)
        if chart:
            bars.append(chart)
    return Dashboard(
        title=title,
        period=period,
        previous=period.previous(),
        cards=cards,
        tables=tables,
        charts={"trend": trend_chart, "bars": bars},
    )


# What the public index shows of each department; its own page has every indicator.
INDEX_CODES = ("online_rate", "on_time_rate", "satisfaction_rate")


def public_index(*, period: Period, link) -> tuple:
    """The public's index: the top region (the city), a table of its departments' headline figures per region with
    departments of its own, and the districts' breakdown (None without a region); unrestricted, as the public reads."""
    regions = list(selectors.public_regions().order_by("path"))
    if not regions:
        return None, [], None
    top = regions[0]
    rows = selectors.breakdown(actor=None, scope=selectors.Scope(region=top), period=period, by="department")
    figures = {row["id"]: row["indicators"] for row in rows}
    columns = [Column(_("部门")), *(Column(str(INDICATORS[code].label)) for code in INDEX_CODES)]
    by_region: dict[int, list] = {region.pk: [] for region in regions}
    for department in selectors.public_departments():
        shown = figures.get(department.pk, {})
        by_region[department.region_id].append(
            [Cell(department.name, link=link("department", {"code": department.code}))]
            + [Cell(shown.get(code), INDICATORS[code].kind) for code in INDEX_CODES]
        )
    tables = [(region, Table(f"r-{region.code}", region.name, columns, by_region[region.pk])) for region in regions]
    districts, _chart = breakdown(
        actor=None, scope=selectors.Scope(region=top), period=period, by="region", key="regions", title="", link=link
    )
    return top, tables, districts.brief


def period_label(period: Period) -> str:
    start = period.start
    if period.kind == "year":
        return _("%(year)d年") % {"year": start.year}
    if period.kind == "quarter":
        return _("%(year)d年第%(quarter)d季度") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    if period.kind == "month":
        return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
    return _("%(year)d年%(month)d月%(day)d日") % {"year": start.year, "month": start.month, "day": start.day}

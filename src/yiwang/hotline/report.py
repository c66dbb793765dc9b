"""The 12345 monthly report (每月情况通报) of a district: what came in during one calendar month and how the
departments handled it.

The cohort is the orders *received* in the month: created_at in [the 1st 00:00, the next 1st 00:00) in Asia/Shanghai
local time (settings.TIME_ZONE), of the region and every region below it. Their state is read as it stands when the
report is computed (`as_of`, now): a snapshot generated on the first working day of the next month shows how the
month's orders stand then. Every figure is an aggregate query (GROUP BY in the database): the orders themselves are
never read into Python, except the located orders of the month for hotspot detection, capped at HOTSPOT_ORDERS.

Rates — each shown as a percentage to one decimal, or "—" when its denominator is 0 (never a division by zero):

Per department, over the department's Assignment rows (派单, lead and 协办 alike) of the month's orders; a department
sent an order twice (returned and re-dispatched to it) has two rows:
- 签收率 sign rate = rows signed (signed_at set) at or before their sign_due / all rows (dispatched).
- 按时办结率 on-time rate = rows answered (replied_at set) at or before their reply_due / (rows answered, on time or
  late, + rows still dispatched or signed whose reply_due has passed at as_of). Rows returned or taken away by the
  centre (改派, or closed by the centre) without an answer are in neither count.
- 满意率 satisfaction = callbacks 满意 or 基本满意 / callbacks, counting the orders the department *leads* and has not
  handed back (its lead row signed or replied) whose callback (回访) result is recorded. The order keeps its latest
  callback: an order reopened after 不满意 and then found 满意 counts as 满意.
- 退单率 return rate = rows returned (returned_at set) / all rows (dispatched).
- 重办率 reopen rate = orders reopened at least once (reopened_count > 0) / orders closed, over the closed orders whose
  answer the department gave as lead (lead row replied, order closed).
The district's total row sums each numerator and denominator over the departments.

District-wide (the totals table), over orders:
- 办结率 closed rate = orders closed / orders received.
- 满意率 = orders with callback 满意 or 基本满意 / orders with a callback result.
- 退单率 = orders returned at least once (returned_count > 0) / orders dispatched (with at least one Assignment).
- 重办率 = closed orders reopened at least once / closed orders.

Month on month: the previous month's totals as its report published them (its snapshot, generated after that month
ended), so both months are read about the same time after their end, and the change; a change against 0 is "—".
Without such a snapshot the previous month is computed now, the same way (`previous.published` says which). The
trend's earlier months likewise read a published month's count from its snapshot (a month's count of orders
received does not change once it has ended) and count the others.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from yiwang.grid.models import GridCell
from yiwang.org.models import Department, Region

from .models import Assignment, Category, MonthlyReportSnapshot, WorkOrder
from .repeats import Report, hotspots

TOP_PROBLEMS = 10
TREND_MONTHS = 6
# Hotspot detection reads at most this many located orders of the month, the newest.
HOTSPOT_ORDERS = 5000
DASH = "—"
UNLOCATED = "—"


def rate(numerator: int, denominator: int) -> dict:
    """A rate as stored and shown: its two counts and its text, "—" for a zero denominator."""
    if not denominator:
        return {"num": numerator, "den": denominator, "text": DASH}
    percent = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {"num": numerator, "den": denominator, "text": f"{percent}%"}


def change(current: int, previous: int) -> dict:
    """Month on month: the difference, and the relative change ("—" against a previous 0)."""
    if not previous:
        return {"diff": current - previous, "text": DASH}
    percent = (Decimal(current - previous) * 100 / Decimal(previous)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {"diff": current - previous, "text": f"{'+' if percent > 0 else ''}{percent}%"}


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first instant and the next month's, in the platform's local time (Asia/Shanghai)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    following = next_month(month)
    return start, dt.datetime(following.year, following.month, 1, tzinfo=zone)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: dt.date) -> dt.date:
    return dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@dataclass
class MonthlyReport:
    """The report's figures as plain JSON-ready data (what a snapshot stores), with the region and month."""

    region_code: str
    region_name: str
    month: str  # "YYYY-MM"
    data: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"region_code": self.region_code, "region_name": self.region_name, "month": self.month, **self.data}

    @classmethod
    def from_json(cls, stored: dict) -> "MonthlyReport":
        stored = dict(stored)
        return cls(stored.pop("region_code"), stored.pop("region_name"), stored.pop("month"), stored)


def _orders(region_ids: list[int], start: dt.datetime, end: dt.datetime):
    return WorkOrder.objects.filter(region_id__in=region_ids, created_at__gte=start, created_at__lt=end).order_by()


@dataclass
class _Counted:
    """The month's orders counted in one GROUP BY (kind, category): the totals, the kinds and the categories are sums
    over its rows, and the month's smallest and largest order id bound the departments' join."""

    totals: dict
    kinds: dict[str, int]
    categories: dict[int, int]
    first_pk: int | None
    last_pk: int | None


def _count(orders) -> _Counted:
    closed = Q(status=WorkOrder.Status.CLOSED)
    figures = {
        "received": Count("pk"),
        "closed": Count("pk", filter=closed),
        "returned": Count("pk", filter=Q(returned_count__gt=0)),
        "reopened_closed": Count("pk", filter=closed & Q(reopened_count__gt=0)),
        "callbacks": Count("pk", filter=~Q(satisfaction="")),
        "satisfied": Count(
            "pk", filter=Q(satisfaction__in=(WorkOrder.Satisfaction.SATISFIED, WorkOrder.Satisfaction.BASIC))
        ),
        "dissatisfied": Count("pk", filter=Q(satisfaction=WorkOrder.Satisfaction.DISSATISFIED)),
        # Sent to at least one department: dispatching sets the order's sign_due, and nothing clears it.
        "dispatched": Count("pk", filter=Q(sign_due__isnull=False)),
    }
    rows = orders.values("kind", "category_id").annotate(**figures, first=Min("pk"), last=Max("pk"))
    totals = dict.fromkeys(figures, 0)
    kinds: dict[str, int] = {}
    categories: dict[int, int] = {}
    first = last = None
    for row in rows:
        for key in figures:
            totals[key] += row[key]
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["received"]
        categories[row["category_id"]] = categories.get(row["category_id"], 0) + row["received"]
        first = row["first"] if first is None else min(first, row["first"])
        last = row["last"] if last is None else max(last, row["last"])
    totals["closed_rate"] = rate(totals["closed"], totals["received"])
    totals["satisfaction_rate"] = rate(totals["satisfied"], totals["callbacks"])
    totals["return_rate"] = rate(totals["returned"], totals["dispatched"])
    totals["reopen_rate"] = rate(totals["reopened_closed"], totals["closed"])
    return _Counted(totals, kinds, categories, first, last)


def _by_kind(counted: dict[str, int], received: int) -> list[dict]:
    return [
        {"code": code, "name": str(label), "count": counted.get(code, 0), "share": rate(counted.get(code, 0), received)}
        for code, label in WorkOrder.Kind.choices
    ]


def _by_category(counted: dict[int, int], received: int) -> tuple[list[dict], list[dict]]:
    categories = {c.pk: c for c in Category.objects.filter(pk__in=counted).select_related("parent")}
    tops: dict[int, dict] = {}
    leaves = []
    for pk, n in counted.items():
        category = categories[pk]
        top = category.parent or category
        row = tops.setdefault(top.pk, {"code": top.code, "name": top.name, "count": 0})
        row["count"] += n
        leaves.append({"code": category.code, "name": str(category), "count": n})
    order = lambda row: (-row["count"], row["code"])  # noqa: E731
    tops_sorted = sorted(tops.values(), key=order)
    leaves.sort(key=order)
    for row in tops_sorted + leaves:
        row["share"] = rate(row["count"], received)
    return tops_sorted, leaves


def _by_place(orders, received: int) -> dict[str, list[dict]]:
    """Orders by grid cell, community and street: one GROUP BY on the cell code, one query mapping the cells to
    their community and street. Orders without a cell (or with a cell since removed) make one 未定位 row."""
    counted = dict(orders.values_list("grid_cell_code").annotate(n=Count("pk")))
    cells = {
        row["code"]: row
        for row in GridCell.objects.filter(code__in=[c for c in counted if c]).values(
            "code", "name", "community__code", "community__name", "community__parent__code", "community__parent__name"
        )
    }
    unlocated = {"code": UNLOCATED, "name": "未定位网格", "community": "", "street": ""}
    tables: dict[str, dict[str, dict]] = {"streets": {}, "communities": {}, "cells": {}}
    for code, n in counted.items():
        cell = cells.get(code)
        if cell is None:
            keys = {"streets": unlocated, "communities": unlocated, "cells": unlocated}
        else:
            street = cell["community__parent__name"] or ""
            keys = {
                "streets": {"code": cell["community__parent__code"] or UNLOCATED, "name": street},
                "communities": {"code": cell["community__code"], "name": cell["community__name"], "street": street},
                "cells": {
                    "code": code,
                    "name": cell["name"],
                    "community": cell["community__name"],
                    "street": street,
                },
            }
        for table, key in keys.items():
            row = tables[table].setdefault(key["code"], {**key, "count": 0})
            row["count"] += n
    found = {}
    for table, rows in tables.items():
        found[table] = sorted(rows.values(), key=lambda r: (r["code"] == UNLOCATED, -r["count"], r["code"]))
        for row in found[table]:
            row["share"] = rate(row["count"], received)
    return found


def _departments(
    region_ids: list[int], start: dt.datetime, end: dt.datetime, counted: _Counted, as_of: dt.datetime
) -> list[dict]:
    # The month's order ids bound the assignments read: ids grow with time, so the assignments of a month's orders
    # are one index range rather than a scan of every assignment ever made joined to the month.
    rows = Assignment.objects.filter(
        order__region_id__in=region_ids,
        order__created_at__gte=start,
        order__created_at__lt=end,
        order_id__gte=counted.first_pk or 0,
        order_id__lte=counted.last_pk or 0,
    ).order_by()
    S = Assignment.Status
    led = Q(lead=True, status__in=(S.SIGNED, S.REPLIED))
    answered_closed = Q(lead=True, status=S.REPLIED, order__status=WorkOrder.Status.CLOSED)
    grouped = rows.values("department_id").annotate(
        dispatched=Count("pk"),
        signed_on_time=Count("pk", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due"))),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        replied_on_time=Count("pk", filter=Q(replied_at__isnull=False, replied_at__lte=F("reply_due"))),
        overdue=Count(
            "pk", filter=Q(replied_at__isnull=True, status__in=Assignment.ACTIVE_STATES, reply_due__lt=as_of)
        ),
        returned=Count("pk", filter=Q(returned_at__isnull=False)),
        callbacks=Count("pk", filter=led & ~Q(order__satisfaction="")),
        satisfied=Count(
            "pk",
            filter=led & Q(order__satisfaction__in=(WorkOrder.Satisfaction.SATISFIED, WorkOrder.Satisfaction.BASIC)),
        ),
        closed=Count("pk", filter=answered_closed),
        reopened=Count("pk", filter=answered_closed & Q(order__reopened_count__gt=0)),
    )
    grouped = list(grouped)
    names = dict(Department.objects.filter(pk__in=[r["department_id"] for r in grouped]).values_list("pk", "name"))
    found = []
    for row in grouped:
        row["name"] = names[row.pop("department_id")]
        found.append(row)
    found.sort(key=lambda r: (-r["dispatched"], r["name"]))
    keys = [k for k in ("dispatched", "signed_on_time", "replied", "replied_on_time", "overdue", "returned")]
    keys += ["callbacks", "satisfied", "closed", "reopened"]
    total = {key: sum(r[key] for r in found) for key in keys}
    total["name"] = "合计"
    for row in [*found, total]:
        row["sign_rate"] = rate(row["signed_on_time"], row["dispatched"])
        row["on_time_rate"] = rate(row["replied_on_time"], row["replied"] + row["overdue"])
        row["satisfaction_rate"] = rate(row["satisfied"], row["callbacks"])
        row["return_rate"] = rate(row["returned"], row["dispatched"])
        row["reopen_rate"] = rate(row["reopened"], row["closed"])
    return [*found, total]


def _hotspots(orders) -> list[dict]:
    located = orders.filter(longitude__isnull=False, latitude__isnull=False).order_by("-created_at")
    rows = list(
        located.values_list(
            "pk", "number", "category__code", "category__name", "longitude", "latitude", "description", "address",
            "created_at", "terms",
        )[:HOTSPOT_ORDERS]
    )  # fmt: skip
    by_pk = {row[0]: row for row in rows}
    reports = [
        Report(key=r[0], category=r[2], longitude=float(r[4]), latitude=float(r[5]), text=r[6], received_at=r[8],
               address=r[7], terms=tuple(r[9].split()))
        for r in rows
    ]  # fmt: skip
    found = []
    for spot in hotspots(reports):
        first = by_pk[spot.keys[0]]
        found.append(
            {
                "category": first[3],
                "address": next((by_pk[k][7] for k in spot.keys if by_pk[k][7]), ""),
                "count": len(spot.keys),
                "orders": sorted(by_pk[k][1] for k in spot.keys),
                "first_at": timezone.localtime(spot.first_at).strftime("%Y-%m-%d"),
                "last_at": timezone.localtime(spot.last_at).strftime("%Y-%m-%d"),
            }
        )
    found.sort(key=lambda h: (-h["count"], h["orders"][0]))
    return found


def _published(region: Region, months: list[dt.date]) -> dict[dt.date, dict]:
    """The totals of the region's reports for these months as published: a snapshot generated after its month
    ended (one generated during the month holds the month so far and is not used)."""
    found = {}
    stored = MonthlyReportSnapshot.objects.filter(region=region, month__in=months).values_list(
        "month", "generated_at", "data__totals"
    )
    for month, generated_at, totals in stored:
        if totals and generated_at >= month_bounds(month)[1]:
            found[month] = totals
    return found


def trend_months(month: dt.date) -> list[dt.date]:
    months = [month]
    for _i in range(TREND_MONTHS - 1):
        months.insert(0, previous_month(months[0]))
    return months


def _trend(region_ids: list[int], months: list[dt.date], received: int, published: dict[dt.date, dict]) -> list[dict]:
    """Orders received in each of the TREND_MONTHS months up to this one. A month's count never changes once it
    has ended, so a published month's is read from its snapshot; the others are counted in one pass over the
    months from the first unpublished one, a count per month's bounds (no per-row month arithmetic)."""
    counted = {m: published[m]["received"] for m in months[:-1] if m in published}
    counted[months[-1]] = received
    missing = [m for m in months if m not in counted]
    if missing:
        bounds = {m: month_bounds(m) for m in missing}
        found = _orders(region_ids, bounds[missing[0]][0], bounds[missing[-1]][1]).aggregate(
            **{
                m.strftime("m%Y%m"): Count("pk", filter=Q(created_at__gte=start, created_at__lt=end))
                for m, (start, end) in bounds.items()
            }
        )
        counted.update({m: found[m.strftime("m%Y%m")] for m in missing})
    return [{"month": m.strftime("%Y-%m"), "received": counted[m]} for m in months]


def region_ids_of(region: Region) -> list[int]:
    return list(Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True))


def monthly_report(*, region: Region, month: dt.date, actor=None, as_of: dt.datetime | None = None) -> MonthlyReport:
    """Compute the report of `region` (and the regions below it) for the month starting at `month` (a 1st).

    `actor` is whoever asked (None for the worker): access is decided by the caller (views, report_generate);
    the figures are the district's whole, not the actor's view of it."""
    month = month.replace(day=1)
    as_of = as_of or timezone.now()
    region_ids = region_ids_of(region)
    start, end = month_bounds(month)
    orders = _orders(region_ids, start, end)
    counted = _count(orders)
    totals = counted.totals
    months = trend_months(month)
    published = _published(region, months[:-1])
    last = previous_month(month)
    previous = published.get(last) or _count(_orders(region_ids, *month_bounds(last))).totals
    tops, leaves = _by_category(counted.categories, totals["received"])
    data = {
        "as_of": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M"),
        "totals": totals,
        "previous": {
            "month": last.strftime("%Y-%m"),
            "published": last in published,
            **previous,
            "changes": {
                key: change(totals[key], previous[key])
                for key in ("received", "closed", "dispatched", "returned", "callbacks", "satisfied")
            },
        },
        "kinds": _by_kind(counted.kinds, totals["received"]),
        "top_categories": tops,
        "leaf_categories": leaves,
        "top_problems": leaves[:TOP_PROBLEMS],
        **_by_place(orders, totals["received"]),
        "departments": _departments(region_ids, start, end, counted, as_of),
        "hotspots": _hotspots(orders),
        "trend": _trend(region_ids, months, totals["received"], published),
    }
    return MonthlyReport(region.code, region.name, month.strftime("%Y-%m"), data)


@dataclass(frozen=True)
class Table:
    """One table of the report as the page, the workbook (one sheet each) and the PDF show it."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[list]


def _share_rows(rows: list[dict], *fields: str) -> list[list]:
    return [[*(row[f] for f in fields), row["count"], row["share"]["text"]] for row in rows]


def tables(report: MonthlyReport) -> list[Table]:
    """The report's tables, in the order every format shows them; each cell a number or a text."""
    d = report.data
    totals, previous, changes = d["totals"], d["previous"], d["previous"]["changes"]

    def line(label, key):
        return [label, totals[key], previous[key], changes[key]["text"] if key in changes else DASH]

    def rate_line(label, key):
        return [label, totals[key]["text"], previous[key]["text"], DASH]

    summary = [
        line("受理工单", "received"),
        line("已派单工单", "dispatched"),
        line("已办结工单", "closed"),
        rate_line("办结率", "closed_rate"),
        line("已回访工单", "callbacks"),
        line("满意（含基本满意）", "satisfied"),
        rate_line("满意率", "satisfaction_rate"),
        line("退单工单", "returned"),
        rate_line("退单率", "return_rate"),
        rate_line("重办率", "reopen_rate"),
    ]
    departments = [
        [
            r["name"],
            r["dispatched"],
            r["signed_on_time"],
            r["sign_rate"]["text"],
            r["replied"],
            r["replied_on_time"],
            r["overdue"],
            r["on_time_rate"]["text"],
            r["callbacks"],
            r["satisfied"],
            r["satisfaction_rate"]["text"],
            r["returned"],
            r["return_rate"]["text"],
            r["closed"],
            r["reopened"],
            r["reopen_rate"]["text"],
        ]
        for r in d["departments"]
    ]
    share = ("工单数", "占比")
    return [
        Table("summary", "总体情况", ("指标", "本月", _previous_heading(previous), "环比"), summary),
        Table("kinds", "按诉求类型", ("诉求类型", *share), _share_rows(d["kinds"], "name")),
        Table(
            "top_categories",
            "按一级分类",
            ("分类编码", "分类", *share),
            _share_rows(d["top_categories"], "code", "name"),
        ),
        Table(
            "leaf_categories",
            "按二级分类",
            ("分类编码", "分类", *share),
            _share_rows(d["leaf_categories"], "code", "name"),
        ),
        Table(
            "top_problems",
            f"突出问题（前 {TOP_PROBLEMS} 位）",
            ("排名", "分类", *share),
            [[i, *row] for i, row in enumerate(_share_rows(d["top_problems"], "name"), start=1)],
        ),
        Table("streets", "按街道", ("街道", *share), _share_rows(d["streets"], "name")),
        Table("communities", "按社区", ("街道", "社区", *share), _share_rows(d["communities"], "street", "name")),
        Table(
            "cells",
            "按网格",
            ("网格编码", "网格", "社区", "街道", *share),
            _share_rows(d["cells"], "code", "name", "community", "street"),
        ),
        Table(
            "departments",
            "承办部门办理情况",
            (
                "承办部门",
                "派单数",
                "按时签收",
                "签收率",
                "已答复",
                "按时答复",
                "超期未答复",
                "按时办结率",
                "回访数",
                "满意数",
                "满意率",
                "退单数",
                "退单率",
                "办结数",
                "重办数",
                "重办率",
            ),
            departments,
        ),
        Table(
            "hotspots",
            "热点问题（本月反复反映）",
            ("分类", "地点", "反映次数", "首次", "最近", "工单"),
            [
                [h["category"], h["address"] or DASH, h["count"], h["first_at"], h["last_at"], "、".join(h["orders"])]
                for h in d["hotspots"]
            ],
        ),
        Table(
            "trend",
            f"近 {TREND_MONTHS} 个月受理趋势",
            ("月份", "受理工单"),
            [[m["month"], m["received"]] for m in d["trend"]],
        ),
    ]


def _previous_heading(previous: dict) -> str:
    """The previous month's column says whether it is that month's published report or counted when this one was."""
    if previous.get("published"):
        return f"上月（{previous['month']} 通报）"
    return f"上月（{previous['month']}，生成本通报时统计）"


def chart_data(report: MonthlyReport) -> dict:
    """What the page's charts draw (hotline/report.js), read from the same data as the tables."""
    d = report.data
    return {
        "kinds": [{"name": r["name"], "value": r["count"]} for r in d["kinds"] if r["count"]],
        "categories": [{"name": r["name"], "value": r["count"]} for r in d["top_categories"]],
        "streets": {
            "names": [r["name"] or r["code"] for r in d["streets"]],
            "values": [r["count"] for r in d["streets"]],
        },
        "trend": {"months": [m["month"] for m in d["trend"]], "values": [m["received"] for m in d["trend"]]},
        "departments": {
            "names": [r["name"] for r in d["departments"][:-1]],
            "sign": [_percent(r["sign_rate"]) for r in d["departments"][:-1]],
            "on_time": [_percent(r["on_time_rate"]) for r in d["departments"][:-1]],
            "satisfaction": [_percent(r["satisfaction_rate"]) for r in d["departments"][:-1]],
        },
    }


def _percent(value: dict) -> float | None:
    return None if not value["den"] else round(value["num"] * 100 / value["den"], 1)

"""The counters, computed straight from the cases: what a day's DailyFigure rows are rebuilt from, and what a
test or a benchmark compares the stored rows with.

Each counter has one date basis, the local date of the event it counts:
  receipt (Case.received_on): applied, applied_online, full_online, visits, zero_visit, materials_required,
      materials_waived, compression_cases, compression_sum;
  acceptance (Case.accepted_on): accepted, accepted_first_time;
  decision (Case.decided_at): decided, decided_early, decided_on_time, instant, hall_concluded, working_days,
      speedup_cases, speedup_sum;
  rating (Rating.created_at): ratings, ratings_good, ratings_bad, bad_rectified;
  督办 (SupervisionOrder.issued_at): supervised.
A case's dimensions are its region, lead department and item, the centre and window it was taken in at, and the
staff member who took it in (a clerk at the window, a 网格员 at the applicant's home).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from yiwang.cases.models import Case, CaseMaterial, CorrectionNotice, SupervisionOrder
from yiwang.core.calendar import WorkCalendar
from yiwang.desk.models import QueueTicket
from yiwang.org.models import Region
from yiwang.ratings.models import BAD_SCORES, Rating

from .models import COUNTERS, DIMENSIONS

GOOD_SCORES = (4, 5)
WAIVED = (CaseMaterial.Provided.SHARED, CaseMaterial.Provided.LICENCE)
_CASE_DIMENSIONS = ("region_id", "department_id", "item_id", "intake_window__center_id", "intake_window_id")


def local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of local dates as aware datetimes, for filtering a timestamp by its local day."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end, dt.time.min, tzinfo=zone),
    )


class _Tally:
    """Counters summed under keys of (day or None, *the grouped dimensions)."""

    def __init__(self, group: Sequence[str], by_day: bool):
        unknown = set(group) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown dimensions {sorted(unknown)}")
        self.group = tuple(group)
        self.by_day = by_day
        self.rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def add(self, day: dt.date, case: dict, prefix: str, **counts) -> None:
        where = {
            "region": case[f"{prefix}region_id"],
            "department": case[f"{prefix}department_id"],
            "item": case[f"{prefix}item_id"],
            "center": case[f"{prefix}intake_window__center_id"],
            "window": case[f"{prefix}intake_window_id"],
            "staff": case[f"{prefix}submitted_by_id"] if case[f"{prefix}channel"] in Case.ON_BEHALF_CHANNELS else None,
        }
        row = self.rows[(day if self.by_day else None, *(where[name] for name in self.group))]
        for name, value in counts.items():
            row[name] += value


class _WorkingDays:
    """Working days between two dates on the case's region's calendar, remembered per (region, from, to): a day's
    decisions share few such pairs."""

    def __init__(self):
        self.calendars: dict[int, WorkCalendar] = {}
        self.spans: dict[tuple, int] = {}

    def __call__(self, region_id: int, start: dt.date, end: dt.date) -> int:
        key = (region_id, start, end)
        if key not in self.spans:
            if region_id not in self.calendars:
                self.calendars[region_id] = WorkCalendar(Region.objects.get(pk=region_id))
            self.spans[key] = max(self.calendars[region_id].working_days_between(start, end).days, 0)
        return self.spans[key]


def _fields(prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in (*_CASE_DIMENSIONS, "submitted_by_id", "channel")]


def _scoped(queryset, where: dict | None, prefix: str = ""):
    return queryset.filter(**{f"{prefix}{key}": value for key, value in (where or {}).items()})


def count_cases(
    *, start: dt.date, end: dt.date, group: Sequence[str] = DIMENSIONS, by_day: bool = True, where: dict | None = None
) -> dict[tuple, dict]:
    """Every counter for the local dates [start, end), keyed by (day or None, *group), over the cases matching
    `where` (Case lookups, e.g. {"region__path__startswith": "/440000/440100/"})."""
    tally = _Tally(group, by_day)
    _receipts(tally, start, end, where)
    _acceptances(tally, start, end, where)
    _decisions(tally, start, end, where)
    _ratings(tally, start, end, where)
    _supervision(tally, start, end, where)
    return dict(tally.rows)


def _receipts(tally: _Tally, start, end, where) -> None:
    cases = (
        _scoped(Case.objects, where)
        .filter(received_on__gte=start, received_on__lt=end)
        .exclude(status=Case.Status.DRAFT)
    )
    tickets = _per_case(QueueTicket.objects.filter(case__in=cases.values("pk")), "case_id")
    required = _per_case(CaseMaterial.objects.filter(case__in=cases.values("pk"), spec__required=True), "case_id")
    waived = _per_case(
        CaseMaterial.objects.filter(case__in=cases.values("pk"), spec__required=True, provided__in=WAIVED), "case_id"
    )
    rows = cases.values(
        "pk", "received_on", "delivery_method", "statutory_days", "promised_days", *_fields()
    ).order_by()
    for case in rows:
        visits = visits_of(case, tickets.get(case["pk"], 0))
        online = case["channel"] == Case.Channel.ONLINE
        counts = {
            "applied": 1,
            "applied_online": int(online),
            "full_online": int(online and case["delivery_method"] == Case.Delivery.ONLINE and visits == 0),
            "visits": visits,
            "zero_visit": int(visits == 0),
            "materials_required": required.get(case["pk"], 0),
            "materials_waived": waived.get(case["pk"], 0),
        }
        if case["statutory_days"]:
            counts["compression_cases"] = 1
            counts["compression_sum"] = (case["statutory_days"] - case["promised_days"]) / case["statutory_days"]
        tally.add(case["received_on"], case, "", **counts)


def visits_of(case: dict, tickets: int) -> int:
    """跑动次数: the queue tickets the case was served under, or one visit for a window application taken without a
    ticket; and one more to collect the result when it is to be picked up at a window."""
    visits = tickets or int(case["channel"] == Case.Channel.WINDOW)
    return visits + int(case["delivery_method"] == Case.Delivery.WINDOW)


def _per_case(queryset, field: str) -> dict[int, int]:
    return dict(queryset.values(field).annotate(n=Count("pk")).values_list(field, "n").order_by())


def _acceptances(tally: _Tally, start, end, where) -> None:
    corrected = CorrectionNotice.objects.filter(case=OuterRef("pk"))
    rows = (
        _scoped(Case.objects, where)
        .filter(accepted_on__gte=start, accepted_on__lt=end)
        .annotate(corrected=Exists(corrected))
        .values("accepted_on", "corrected", *_fields())
        .order_by()
    )
    for case in rows:
        tally.add(case["accepted_on"], case, "", accepted=1, accepted_first_time=int(not case["corrected"]))


def _decisions(tally: _Tally, start, end, where) -> None:
    since, until = local_bounds(start, end)
    working_days = _WorkingDays()
    rows = (
        _scoped(Case.objects, where)
        .filter(decided_at__gte=since, decided_at__lt=until)
        .values("decided_at", "accepted_on", "due_on", "statutory_days", "promised_days", "suspended_days", *_fields())
        .order_by()
    )
    for case in rows:
        day = timezone.localtime(case["decided_at"]).date()
        accepted_on = case["accepted_on"] or day
        used = max(working_days(case["region_id"], accepted_on, day) - case["suspended_days"], 0)
        same_day = day == accepted_on
        counts = {
            "decided": 1,
            "decided_early": int(case["due_on"] is not None and day < case["due_on"]),
            "decided_on_time": int(case["due_on"] is None or day <= case["due_on"]),
            "instant": int(case["promised_days"] == 0 and same_day),
            "hall_concluded": int(case["intake_window_id"] is not None and same_day),
            "working_days": used,
        }
        if case["statutory_days"]:
            counts["speedup_cases"] = 1
            counts["speedup_sum"] = 1 - used / case["statutory_days"]
        tally.add(day, case, "", **counts)


def _ratings(tally: _Tally, start, end, where) -> None:
    since, until = local_bounds(start, end)
    rows = (
        _scoped(Rating.objects, where, "case__")
        .filter(created_at__gte=since, created_at__lt=until)
        .values("created_at", "score", "rectification__answered_at", *_fields("case__"))
        .order_by()
    )
    for rating in rows:
        bad = rating["score"] in BAD_SCORES
        tally.add(
            timezone.localtime(rating["created_at"]).date(),
            rating,
            "case__",
            ratings=1,
            ratings_good=int(rating["score"] in GOOD_SCORES),
            ratings_bad=int(bad),
            bad_rectified=int(bad and rating["rectification__answered_at"] is not None),
        )


def _supervision(tally: _Tally, start, end, where) -> None:
    since, until = local_bounds(start, end)
    rows = (
        _scoped(SupervisionOrder.objects, where, "case__")
        .filter(issued_at__gte=since, issued_at__lt=until)
        .values("issued_at", *_fields("case__"))
        .order_by()
    )
    for order in rows:
        tally.add(timezone.localtime(order["issued_at"]).date(), order, "case__", supervised=1)

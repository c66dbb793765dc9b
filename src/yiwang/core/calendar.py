"""Working days, the one way every time limit in the platform is counted.

Counting follows 民法典 第二百零一条 (the day of the starting event is not counted) and 行政许可法 第八十二条
(limits are working days). Statutory holidays and make-up working days come from `chinese_calendar`;
the `WorkdayOverride` table adds local adjustments and years the package does not cover yet. A year
with neither is counted on weekends alone and the answer is marked provisional, never an exception.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from .cache import cached

# A bound on scanning so a corrupt override table can never make a loop run away.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool  # some day counted lies in a year without holiday data


@dataclass(frozen=True)
class Span:
    days: int
    provisional: bool


@lru_cache(maxsize=64)
def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers for one region, with the overrides of a date range loaded in one query."""

    def __init__(self, region=None):
        self.region = region
        self._overrides: dict[dt.date, bool] = {}
        self._loaded: set[int] = set()
        self._entered_years: set[int] | None = None

    def _load_year(self, year: int) -> None:
        if year in self._loaded:
            return
        region_id = self.region.pk if self.region is not None else None
        self._overrides.update(cached("calendar", (region_id, year), lambda: self._read_year(year)))
        self._loaded.add(year)

    def _read_year(self, year: int) -> dict[dt.date, bool]:
        from .models import WorkdayOverride

        rows = WorkdayOverride.objects.filter(date__year=year)
        if self.region is None:
            rows = rows.filter(region__isnull=True)
        else:
            rows = rows.filter(region__isnull=True) | rows.filter(region__in=self.region.ancestors_and_self())
        # A regional override beats a national one for the same day, and a deeper region beats a higher one.
        return {
            date: is_workday
            for date, is_workday, _depth in sorted(
                rows.values_list("date", "is_workday", "region__depth"), key=lambda r: (r[0], r[2] or -1)
            )
        }

    def year_known(self, year: int) -> bool:
        if package_covers(year):
            return True
        if self._entered_years is None:
            from .models import CalendarYear

            self._entered_years = cached(
                "calendar", "entered", lambda: frozenset(CalendarYear.objects.values_list("year", flat=True))
            )
        return year in self._entered_years

    def is_workday(self, day: dt.date) -> bool:
        self._load_year(day.year)
        if day in self._overrides:
            return self._overrides[day]
        if package_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> Deadline:
        """The date on which the n-th working day after `start` ends; n = 0 means the same day (即办)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, provisional = start, 0, False
        for _ in range(_MAX_SCAN_DAYS):
            if counted >= n:
                return Deadline(day, provisional)
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                provisional = provisional or not self.year_known(day.year)
        raise ValueError("working-day scan exceeded ten years")

    def working_days_before(self, end: dt.date, n: int) -> Deadline:
        """The latest day that lies n working days before `end`: n working days follow it up to and including
        `end` (a filing period "届满N个工作日前"). n = 0 means `end` itself."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, provisional = end, 0, False
        for _ in range(_MAX_SCAN_DAYS):
            if counted >= n:
                return Deadline(day, provisional)
            if self.is_workday(day):
                counted += 1
                provisional = provisional or not self.year_known(day.year)
            day -= dt.timedelta(days=1)
        raise ValueError("working-day scan exceeded ten years")

    def working_days_between(self, a: dt.date, b: dt.date) -> Span:
        """Working days after `a` up to and including `b` (negative when b is before a)."""
        if b < a:
            span = self.working_days_between(b, a)
            return Span(-span.days, span.provisional)
        count, provisional, day = 0, False, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
                provisional = provisional or not self.year_known(day.year)
        return Span(count, provisional)


def add_working_days(start: dt.date, n: int, region=None) -> Deadline:
    return WorkCalendar(region).add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date, region=None) -> Span:
    return WorkCalendar(region).working_days_between(a, b)


def is_workday(day: dt.date, region=None) -> bool:
    return WorkCalendar(region).is_workday(day)


def missing_years(around: dt.date, ahead: int = 1) -> list[int]:
    """Years from `around`'s to `ahead` years later that have no holiday data: the admin banner lists them."""
    cal = WorkCalendar()
    return [y for y in range(around.year, around.year + ahead + 1) if not cal.year_known(y)]

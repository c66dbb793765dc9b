"""The periods figures are read for: a day (2026-11-05), a month (2026-11), a quarter (2026-Q4) or a year (2026),
each a range of local dates [start, end)."""

import dataclasses
import datetime as dt
import re

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?$")


@dataclasses.dataclass(frozen=True)
class Period:
    kind: str  # "day" | "month" | "quarter" | "year"
    start: dt.date
    end: dt.date  # exclusive

    @classmethod
    def parse(cls, text: str) -> "Period":
        found = _PATTERN.match(text or "")
        if not found:
            raise ValidationFailed(_("统计周期格式应为 2026、2026-Q4、2026-11 或 2026-11-05"), subcode="period_invalid")
        year = int(found["year"])
        try:
            if found["day"]:
                start = dt.date(year, int(found["month"]), int(found["day"]))
                return cls("day", start, start + dt.timedelta(days=1))
            if found["month"]:
                return cls.month(year, int(found["month"]))
            if found["quarter"]:
                quarter = int(found["quarter"])
                return cls("quarter", dt.date(year, quarter * 3 - 2, 1), _month_start(year, quarter * 3 + 1))
            return cls("year", dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        except ValueError:
            raise ValidationFailed(_("统计周期不是有效日期"), subcode="period_invalid") from None

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", dt.date(year, month, 1), _month_start(year, month + 1))

    @classmethod
    def month_of(cls, day: dt.date) -> "Period":
        return cls.month(day.year, day.month)

    def __str__(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def parts(self) -> list["Period"]:
        """The trend's points: a year's or a quarter's months, a month's days, a day itself."""
        if self.kind == "day":
            return [self]
        if self.kind == "month":
            days = (self.end - self.start).days
            return [Period.parse((self.start + dt.timedelta(days=n)).isoformat()) for n in range(days)]
        parts, start = [], self.start
        while start < self.end:
            parts.append(Period.month_of(start))
            start = parts[-1].end
        return parts

    def previous(self) -> "Period":
        """The period of the same kind just before: what 环比 compares with."""
        return Period.parse(str(_shift(self, self.start - dt.timedelta(days=1))))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _shift(period: Period, day: dt.date) -> str:
    if period.kind == "day":
        return day.isoformat()
    if period.kind == "month":
        return f"{day:%Y-%m}"
    if period.kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)

"""The State Council's yearly holiday schedule (国务院办公厅关于某年部分节假日安排的通知), entered from a file.

`chinese-calendar` knows a year only once a new release ships it, weeks after the notice. Until then the
calendar counts that year on weekends and marks deadlines provisional. An administrator types the notice
into a small YAML file and imports it here (admin page or `yiwang import_holidays FILE`): the days become
national `WorkdayOverride` rows and the year a `CalendarYear`, so every deadline computed afterwards is exact.

The file (one year per file):

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知      # optional, this is the default
    holidays:                                           # days off (放假)
      - {date: 2027-01-01, name: 元旦}
      - {from: 2027-02-06, to: 2027-02-14, name: 春节}    # a range, both ends included
    workdays:                                           # make-up working days (调休上班), always a weekend day
      - {date: 2027-02-20, name: 春节调休上班}

The whole file is checked before anything is written, every problem is reported, and a file with any
problem changes nothing. Importing a year again replaces that year's national overrides; regional ones stay.
"""

import datetime as dt
from dataclasses import dataclass

import yaml
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .audit import audit_record
from .cache import cache_bump
from .errors import ValidationFailed
from .models import CalendarYear, WorkdayOverride

FIRST_YEAR, LAST_YEAR = 2000, 2100
# A schedule names about 30 days; a bound keeps a pasted range typo (2027-01-01 to 2072-…) from flooding the table.
MAX_DAYS_PER_YEAR = 120
NOTE_LENGTH = WorkdayOverride._meta.get_field("note").max_length
SOURCE_LENGTH = CalendarYear._meta.get_field("source").max_length
WEEKEND = (5, 6)


class _TextDatesLoader(yaml.SafeLoader):
    """Dates stay text, checked by us: YAML's own timestamp parsing raises a bare ValueError on 2027-13-01."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Schedule:
    year: int
    source: str
    days: dict[dt.date, tuple[bool, str]]  # date → (is_workday, name)


def _as_date(value, where: str, errors: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(_("%(w)s：日期“%(v)s”无法识别，请写成 2027-01-01 的形式") % {"w": where, "v": value})
        return None


def _entry_days(entry, where: str, errors: list[str]) -> tuple[list[dt.date], str]:
    if isinstance(entry, str):
        entry = {"date": entry}
    if not isinstance(entry, dict):
        errors.append(_("%(w)s：每一项应写成 {date: …, name: …} 或 {from: …, to: …, name: …}") % {"w": where})
        return [], ""
    name = str(entry.get("name") or "").strip()[:NOTE_LENGTH]
    if "date" in entry:
        day = _as_date(entry["date"], where, errors)
        return ([day] if day else []), name
    if "from" in entry and "to" in entry:
        start, end = _as_date(entry["from"], where, errors), _as_date(entry["to"], where, errors)
        if start is None or end is None:
            return [], name
        if end < start:
            errors.append(_("%(w)s：结束日期 %(e)s 早于开始日期 %(s)s") % {"w": where, "s": start, "e": end})
            return [], name
        if (end - start).days >= MAX_DAYS_PER_YEAR:
            errors.append(_("%(w)s：%(s)s 至 %(e)s 跨度过长，请核对") % {"w": where, "s": start, "e": end})
            return [], name
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)], name
    errors.append(_("%(w)s：缺少 date，或缺少 from/to") % {"w": where})
    return [], name


def holiday_schedule_parse(text: str) -> Schedule:
    """Read and check a schedule file; every problem at once in one ValidationFailed, in Chinese."""
    try:
        document = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = _("第 %(n)d 行") % {"n": mark.line + 1} if mark else ""
        raise ValidationFailed(
            fields={"file": [_("文件不是有效的 YAML%(l)s，请检查缩进和冒号") % {"l": line}]}
        ) from None
    if not isinstance(document, dict):
        raise ValidationFailed(fields={"file": [_("文件应包含 year、holidays、workdays 三项")]})
    unknown = set(document) - {"year", "source", "holidays", "workdays"}
    errors: list[str] = []
    if unknown:
        errors.append(_("不认识的项目：%(k)s") % {"k": "、".join(sorted(map(str, unknown)))})
    year = document.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(_("year 应为 %(a)d 至 %(b)d 之间的年份") % {"a": FIRST_YEAR, "b": LAST_YEAR})
        year = None
    source = str(document.get("source") or "").strip()
    if not source and year is not None:
        source = _("国务院办公厅关于%(y)d年部分节假日安排的通知") % {"y": year}
    if len(source) > SOURCE_LENGTH:
        errors.append(_("source 不得超过 %(n)d 个字符") % {"n": SOURCE_LENGTH})
    days: dict[dt.date, tuple[bool, str]] = {}
    for key, is_workday, label in (("holidays", False, _("放假")), ("workdays", True, _("调休上班"))):
        entries = document.get(key) or []
        if not isinstance(entries, list):
            errors.append(_("%(k)s 应为列表") % {"k": key})
            continue
        for position, entry in enumerate(entries, start=1):
            where = _("%(k)s 第 %(n)d 项") % {"k": key, "n": position}
            dates, name = _entry_days(entry, where, errors)
            for day in dates:
                if year is not None and day.year != year:
                    errors.append(_("%(w)s：%(d)s 不在 %(y)d 年内") % {"w": where, "d": day, "y": year})
                    continue
                if day in days:
                    if days[day][0] == is_workday:
                        errors.append(_("%(w)s：%(d)s 重复出现") % {"w": where, "d": day})
                    else:
                        errors.append(_("%(d)s 既列为放假又列为调休上班，请核对通知") % {"d": day})
                    continue
                if is_workday and day.weekday() not in WEEKEND:
                    errors.append(
                        _("%(w)s：%(d)s 是工作日（%(k)s），调休上班日应为周六或周日")
                        % {"w": where, "d": day, "k": date_format(day, "l")}
                    )
                    continue
                days[day] = (is_workday, name or label)
    if year is not None and not days and not errors:
        errors.append(_("文件没有列出任何放假或调休上班日"))
    if len(days) > MAX_DAYS_PER_YEAR:
        errors.append(_("共列出 %(n)d 天，超过一年安排的合理范围，请核对") % {"n": len(days)})
    if errors:
        raise ValidationFailed(message=_("节假日安排文件有误，未导入任何内容"), fields={"file": errors})
    return Schedule(year=year, source=source, days=days)


@transaction.atomic
def holiday_schedule_import(*, actor, text: str) -> CalendarYear:
    """Replace a year's national overrides with the file's schedule and mark the year entered, in one go."""
    schedule = holiday_schedule_parse(text)
    replaced = WorkdayOverride.objects.filter(date__year=schedule.year, region__isnull=True).delete()[0]
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=day, is_workday=is_workday, note=name, region=None)
        for day, (is_workday, name) in sorted(schedule.days.items())
    )
    entered, _created = CalendarYear.objects.update_or_create(year=schedule.year, defaults={"source": schedule.source})
    cache_bump("calendar")  # bulk_create sends no post_save
    audit_record(
        actor=actor,
        action="calendar.import",
        target=entered,
        data={
            "year": schedule.year,
            "source": schedule.source,
            "holidays": sorted(str(d) for d, (w, _n) in schedule.days.items() if not w),
            "workdays": sorted(str(d) for d, (w, _n) in schedule.days.items() if w),
            "replaced": replaced,
        },
    )
    return entered

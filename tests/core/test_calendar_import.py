"""The State Council's yearly holiday schedule imported from a file: a provisional year becomes exact, at once.

The 2027 days below are test data in the shape of a 国务院办公厅 notice, not the published schedule."""

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

import yiwang.core
from yiwang.core.audit import audit_verify
from yiwang.core.calendar import WorkCalendar, add_working_days, is_workday, missing_years, working_days_between
from yiwang.core.errors import ValidationFailed
from yiwang.core.holidays import holiday_schedule_import
from yiwang.core.models import AuditEntry, CalendarYear, WorkdayOverride
from yiwang.org.models import Region

D = dt.date

SCHEDULE_2027 = """\
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知
holidays:
  - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
  - {from: 2027-02-06, to: 2027-02-14, name: 春节}
workdays:
  - {date: 2027-02-20, name: 春节调休上班}
"""


def test_importing_2027_turns_a_provisional_deadline_into_an_exact_one(db):
    before = add_working_days(D(2026, 12, 20), 20)
    assert before.provisional is True
    assert before.date == D(2027, 1, 15)  # 1 January counted as a plain Friday

    entered = holiday_schedule_import(actor=None, text=SCHEDULE_2027)

    after = add_working_days(D(2026, 12, 20), 20)
    assert after.provisional is False
    assert after.date == D(2027, 1, 18)  # 元旦 is a day off now
    assert entered.year == 2027 and entered.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert 2027 not in missing_years(D(2026, 11, 23))
    assert is_workday(D(2027, 2, 8)) is False  # a Monday of the Spring Festival
    assert is_workday(D(2027, 2, 20)) is True  # a Saturday worked
    entry = AuditEntry.objects.get(action="calendar.import")
    assert entry.data["year"] == 2027 and "2027-02-20" in entry.data["workdays"]
    assert audit_verify()[0]


def test_reimporting_a_year_replaces_its_national_days_and_keeps_regional_ones(db):
    haizhu = Region.objects.get(code="440105")
    WorkdayOverride.objects.create(date=D(2027, 3, 1), is_workday=False, region=haizhu, note="区内调整")
    holiday_schedule_import(actor=None, text=SCHEDULE_2027)
    holiday_schedule_import(actor=None, text="year: 2027\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n")
    national = WorkdayOverride.objects.filter(date__year=2027, region__isnull=True)
    assert list(national.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert WorkdayOverride.objects.filter(region=haizhu, date=D(2027, 3, 1)).exists()
    assert CalendarYear.objects.get(year=2027).source == "国务院办公厅关于2027年部分节假日安排的通知"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("year: 2027\nholidays:\n  - {date: 2028-01-01, name: 元旦}\n", "2028-01-01 不在 2027 年内"),
        (
            "year: 2027\nholidays:\n  - {date: 2027-01-01}\n  - {date: 2027-01-01}\n",
            "holidays 第 2 项：2027-01-01 重复出现",
        ),
        (
            "year: 2027\nholidays:\n  - {date: 2027-02-20}\nworkdays:\n  - {date: 2027-02-20}\n",
            "2027-02-20 既列为放假又列为调休上班",
        ),
        ("year: 2027\nworkdays:\n  - {date: 2027-02-17}\n", "2027-02-17 是工作日（星期三），调休上班日应为周六或周日"),
        ("year: 2027\nholidays:\n  - {date: 2027-13-01}\n", "日期“2027-13-01”无法识别"),
        ("year: 2027\nholidays:\n  - {from: 2027-02-14, to: 2027-02-06}\n", "结束日期 2027-02-06 早于开始日期"),
        ("year: twenty\nholidays: []\n", "year 应为 2000 至 2100 之间的年份"),
        ("year: 2027\nholidays: [\n", "文件不是有效的 YAML"),
        ("- 2027-01-01\n", "文件应包含 year、holidays、workdays 三项"),
        ("year: 2027\n", "文件没有列出任何放假或调休上班日"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_and_changes_nothing(db, text, expected):
    with pytest.raises(ValidationFailed) as raised:
        holiday_schedule_import(actor=None, text=text)
    assert any(expected in problem for problem in raised.value.fields["file"]), raised.value.fields
    assert not WorkdayOverride.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action="calendar.import").exists()


def test_every_problem_is_listed_and_a_good_day_beside_a_bad_one_is_not_written(db):
    text = (
        "year: 2027\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n  - {date: 2026-12-31}\nworkdays:\n  - 2027-02-17\n"
    )
    with pytest.raises(ValidationFailed) as raised:
        holiday_schedule_import(actor=None, text=text)
    assert len(raised.value.fields["file"]) == 2
    assert raised.value.message == "节假日安排文件有误，未导入任何内容"
    assert not WorkdayOverride.objects.filter(date=D(2027, 1, 1)).exists()


def test_the_admin_page_imports_a_file(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/core/calendaryear/")
    assert "/admin/core/calendaryear/import/" in page.content.decode()
    assert client.get("/admin/core/calendaryear/import/").status_code == 200
    upload = SimpleUploadedFile("2027.yaml", SCHEDULE_2027.encode(), content_type="application/x-yaml")
    response = client.post("/admin/core/calendaryear/import/", {"file": upload})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert add_working_days(D(2026, 12, 20), 20) == type(add_working_days(D(2026, 12, 20), 20))(D(2027, 1, 18), False)
    assert AuditEntry.objects.get(action="calendar.import").actor == superuser


def test_the_admin_page_lists_a_bad_files_problems_and_writes_nothing(client, superuser):
    client.force_login(superuser)
    upload = SimpleUploadedFile("2027.yaml", b"year: 2027\nworkdays:\n  - 2027-02-17\n")
    response = client.post("/admin/core/calendaryear/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "节假日安排文件有误，未导入任何内容" in html
    assert "调休上班日应为周六或周日" in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_admin_page_refuses_staff_without_the_calendar_permission(client, catalog_admin):
    client.force_login(catalog_admin)
    upload = SimpleUploadedFile("2027.yaml", SCHEDULE_2027.encode())
    response = client.post("/admin/core/calendaryear/import/", {"file": upload})
    assert response.status_code in (302, 403)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_command_imports_and_reports_errors(db, tmp_path, capsys):
    good = tmp_path / "2027.yaml"
    good.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("import_holidays", str(good))
    assert CalendarYear.objects.filter(year=2027).exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2028\nholidays:\n  - {date: 2027-01-01}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何内容"):
        call_command("import_holidays", str(bad))
    assert "不在 2028 年内" in capsys.readouterr().err
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_the_shipped_2026_file_agrees_with_chinese_calendar_day_by_day(db):
    """The file in core/data is the format's worked example: importing it changes no answer for 2026."""
    text = (Path(yiwang.core.__file__).parent / "data" / "holidays-2026.yaml").read_text(encoding="utf-8")
    holiday_schedule_import(actor=None, text=text)
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_counting_back_working_days_for_a_filing_period(db):
    """ "届满N个工作日前": N working days follow the answer up to and including the end day (National Day 2026)."""
    deadline = WorkCalendar().working_days_before(D(2026, 10, 9), 3)
    assert deadline.date == D(2026, 9, 29) and deadline.provisional is False
    assert working_days_between(D(2026, 9, 29), D(2026, 10, 9)).days == 3
    assert WorkCalendar().working_days_before(D(2026, 10, 9), 0).date == D(2026, 10, 9)

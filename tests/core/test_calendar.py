"""Working days across 2026's holidays and make-up days, regional overrides, and a year without data."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.core.calendar import add_working_days, is_workday, missing_years, working_days_between
from yiwang.core.models import CalendarYear, WorkdayOverride
from yiwang.org.models import Region

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring Festival 2026: Feb 15–23 off, Saturday Feb 14 and Saturday Feb 28 are make-up working days.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 24), 4, D(2026, 2, 28)),
        # Labour Day: May 1–5 off, Saturday May 9 worked.
        (D(2026, 4, 30), 1, D(2026, 5, 6)),
        (D(2026, 4, 30), 4, D(2026, 5, 9)),
        # National Day: Sunday Sep 20 worked, Mid-autumn Sep 25 off, Oct 1–7 off, Saturday Oct 10 worked.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # The starting day is not counted, even when it is a working day.
        (D(2026, 11, 23), 1, D(2026, 11, 24)),
        # 0 = 即办件: the same day.
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
        # A statutory 20 working days from a Monday in a plain month.
        (D(2026, 11, 2), 20, D(2026, 11, 30)),
    ],
)
def test_add_working_days_across_2026(db, start, n, expected):
    deadline = add_working_days(start, n)
    assert deadline.date == expected
    assert deadline.provisional is False


def test_make_up_days_are_workdays_and_holidays_are_not(db):
    assert is_workday(D(2026, 2, 14)) is True  # Saturday, make-up
    assert is_workday(D(2026, 2, 16)) is False  # Monday, Spring Festival
    assert is_workday(D(2026, 9, 20)) is True  # Sunday, make-up
    assert is_workday(D(2026, 10, 5)) is False


def test_working_days_between_counts_after_the_start(db):
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 27)).days == 5
    assert working_days_between(D(2026, 2, 27), D(2026, 2, 13)).days == -5
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)).days == 0


def test_limit_running_into_2027_is_provisional_not_an_error(db):
    deadline = add_working_days(D(2026, 12, 20), 20)
    # Dec 21–31 gives 9 working days; 2027 has no data, so Jan 1 (a Friday) counts as a weekday.
    assert deadline == type(deadline)(D(2027, 1, 15), True)
    assert working_days_between(D(2026, 12, 20), D(2027, 1, 15)).provisional is True
    assert 2027 in missing_years(D(2026, 11, 22))


def test_entered_2027_schedule_makes_deadlines_firm(db):
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    deadline = add_working_days(D(2026, 12, 20), 20)
    assert deadline.date == D(2027, 1, 18)
    assert deadline.provisional is False
    assert 2027 not in missing_years(D(2026, 11, 22))


def test_regional_override_applies_to_the_region_and_below_only(db):
    haizhu = Region.objects.get(code="440105")
    WorkdayOverride.objects.create(date=D(2026, 11, 23), is_workday=False, region=haizhu, note="区内调休（演示）")
    friday = D(2026, 11, 20)
    assert add_working_days(friday, 1, region=haizhu).date == D(2026, 11, 24)
    assert add_working_days(friday, 1, region=Region.objects.get(code="440105001")).date == D(2026, 11, 24)
    assert add_working_days(friday, 1, region=Region.objects.get(code="440106")).date == D(2026, 11, 23)
    assert add_working_days(friday, 1).date == D(2026, 11, 23)


def test_deeper_regional_override_beats_higher_one(db):
    WorkdayOverride.objects.create(date=D(2026, 11, 23), is_workday=False, region=Region.objects.get(code="440100"))
    WorkdayOverride.objects.create(date=D(2026, 11, 23), is_workday=True, region=Region.objects.get(code="440105"))
    assert is_workday(D(2026, 11, 23), region=Region.objects.get(code="440105")) is True
    assert is_workday(D(2026, 11, 23), region=Region.objects.get(code="440106")) is False


def test_negative_limit_is_refused(db):
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 31)), n=st.integers(min_value=0, max_value=45))
def test_adding_then_counting_gives_back_n(db, start, n):
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline.date).days == n
    assert n == 0 or is_workday(deadline.date)

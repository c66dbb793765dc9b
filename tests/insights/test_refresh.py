"""The worker keeps the daily figures current: a case taken through its real journey (submit, accept, decide, rate)
moves the figures of the days it touched at the next sweep, and they equal a direct count from the cases."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.case_fixtures import decide
from tests.factories import CaseFactory
from yiwang.accounts.models import User
from yiwang.cases import services
from yiwang.catalog.models import ItemImplementation
from yiwang.core.models import SweepMark
from yiwang.insights.counting import count_cases
from yiwang.insights.indicators import evaluate
from yiwang.insights.models import DailyFigure
from yiwang.insights.periods import Period
from yiwang.insights.selectors import Scope, counts
from yiwang.insights.services import REFRESH_MARK, figures_recompute, figures_refresh_due
from yiwang.insights.tasks import figures_refresh
from yiwang.workflow.models import Task


def _agrees(period: Period) -> dict:
    stored = counts(actor=None, scope=Scope(), period=period)
    direct = count_cases(start=period.start, end=period.end, group=(), by_day=False).get((None,), {})
    assert evaluate(stored) == evaluate(direct)
    return stored


def test_the_sweep_follows_a_case_through_its_journey(in_review, monday):
    today = timezone.localdate()
    month = Period.month_of(today)
    figures_refresh_due()
    assert _agrees(month)["accepted"] >= 1
    decided_before = _agrees(month)["decided"]
    monday.shift(dt.timedelta(hours=2))
    for task in in_review.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION):
        reviewer = User.objects.get(username=f"hz-{task.department.kind.lower()}-reviewer")
        services.task_complete(actor=reviewer, task=task, outcome="agree", opinion="符合规定")
    decide(in_review)
    assert counts(actor=None, scope=Scope(), period=month)["decided"] == decided_before
    figures_refresh_due()
    assert _agrees(month)["decided"] == decided_before + 1


def test_a_sweep_with_nothing_new_rebuilds_nothing_and_moves_its_mark(in_review, monday):
    figures_refresh.enqueue()
    first = SweepMark.objects.get(name=REFRESH_MARK).at
    monday.shift(dt.timedelta(hours=1))
    assert figures_refresh_due()["days"] == 1  # the case changed within the overlap before the first mark
    monday.shift(dt.timedelta(hours=1))
    assert figures_refresh_due() == {"days": 0, "rows": 0}
    assert SweepMark.objects.get(name=REFRESH_MARK).at > first


def test_a_day_recomputed_is_the_same_day(in_review, monday):
    """Rebuilding is idempotent: the rows of a day recomputed twice are the same rows."""
    today = timezone.localdate()
    figures_recompute(actor=None, start=today, end=today)
    once = sorted(DailyFigure.objects.filter(day=today).values_list("department_id", "item_id", "accepted"))
    figures_recompute(actor=None, start=today, end=today)
    assert sorted(DailyFigure.objects.filter(day=today).values_list("department_id", "item_id", "accepted")) == once
    assert once


@pytest.fixture
def known_future_case(db):
    """Accepted on Monday 3 March 2031, decided on Monday 10 March: 2031 is past the calendar package's data."""
    zone = dt.timezone(dt.timedelta(hours=8))
    return CaseFactory(
        implementation_=ItemImplementation.objects.get(code="R005-440105"),
        received_on=dt.date(2031, 3, 3),
        accepted_on=dt.date(2031, 3, 3),
        due_on=dt.date(2031, 3, 17),
        decided_at=dt.datetime(2031, 3, 10, 10, tzinfo=zone),
        status="delivered",
    )


def test_figures_in_a_year_without_holiday_data(db, known_future_case):
    """A case decided in a year the calendar package does not cover still counts: weekends are the only days off
    (WorkCalendar's fallback), and the figures come out rather than fail."""
    day = dt.date(2031, 3, 10)
    figures_recompute(actor=None, start=day, end=day)
    assert DailyFigure.objects.filter(day=day).get().working_days == 5

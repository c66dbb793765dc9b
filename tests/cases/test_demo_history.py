"""The demo's past year of cases (cases/demo.py): decided before today, leaving no queue any work, loaded once,
and counted into the efficiency figures the dashboards read, which equal a count straight from the cases."""

import time

import pytest
from django.utils import timezone

from yiwang.accounts.models import User
from yiwang.cases.demo import KEY, load_demo_history
from yiwang.cases.models import Case
from yiwang.insights.counting import count_cases
from yiwang.insights.demo import load_demo_figures
from yiwang.insights.indicators import evaluate
from yiwang.insights.periods import Period
from yiwang.insights.selectors import Scope, counts
from yiwang.org.models import Region
from yiwang.ratings.models import Rectification
from yiwang.workbench.queues import queue_counts

pytestmark = pytest.mark.django_db
PEOPLE = ("hz-gov_service-clerk", "hz-samr-reviewer", "hz-samr-head", "hz-gov_service-supervisor", "admin")


def _queues() -> dict:
    return {
        name: {queue.key: count for queue, count in queue_counts(User.objects.get(username=name))} for name in PEOPLE
    }


def test_a_year_of_past_cases_that_leave_no_queue_any_work(monday):
    before = _queues()
    began = time.monotonic()
    made = load_demo_history()
    figures = load_demo_figures()
    print(f"{made} cases, {figures} in {time.monotonic() - began:.1f} s")
    assert made > 1000
    history = Case.objects.filter(idempotency_key__startswith=KEY)
    today = timezone.localdate()
    assert history.count() == made
    assert not history.exclude(status=Case.Status.DELIVERED).exists()
    assert max(timezone.localtime(at).date() for at in history.values_list("decided_at", flat=True)) < today
    assert history.filter(channel=Case.Channel.WINDOW).exists()
    # The city's own departments and both districts'.
    for where in ({"region__code": "440100"}, {"region__code": "440105"}, {"region__code": "440106"}):
        assert history.filter(**where).exists(), where
    assert not Rectification.objects.filter(answered_at__isnull=True).exists()
    assert _queues() == before
    assert load_demo_history() == 0


def test_the_figures_equal_a_count_straight_from_the_cases(monday):
    load_demo_history()
    load_demo_figures()
    haizhu = Region.objects.get(code="440105")
    year = Period.parse(str(timezone.localdate().year))
    direct = count_cases(
        start=year.start, end=year.end, group=(), by_day=False, where={"region__path__startswith": haizhu.path}
    )[(None,)]
    stored = counts(actor=None, scope=Scope(region=haizhu), period=year)
    assert evaluate(stored) == evaluate(direct)
    assert stored["applied"] > 300 and 0 < evaluate(stored)["online_rate"] < 1

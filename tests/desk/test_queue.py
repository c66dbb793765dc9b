"""取号/叫号: numbering per hall and day, the priority lane first, and never one ticket to two windows."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.desk import services
from yiwang.desk.models import QueueTicket
from yiwang.org.models import ServiceCenter, Window

NORMAL, PRIORITY = QueueTicket.Lane.NORMAL, QueueTicket.Lane.PRIORITY


def test_numbers_run_per_lane_and_restart_each_day_in_each_hall(monday, hall):
    other = ServiceCenter.objects.get(name="天河区政务服务中心")
    numbers = [services.ticket_issue(center=hall, lane=lane).number for lane in (NORMAL, NORMAL, PRIORITY)]
    assert numbers == ["A001", "A002", "V001"]
    assert services.ticket_issue(center=other, lane=NORMAL).number == "A001"
    monday.shift(dt.timedelta(days=1))
    assert services.ticket_issue(center=hall, lane=NORMAL).number == "A001"
    with pytest.raises(ValidationFailed) as err:
        services.ticket_issue(center=hall, lane="vip")
    assert "lane" in err.value.fields


def test_priority_lane_first_then_the_longest_waiting(monday, hall, window1, clerk):
    for lane in (NORMAL, NORMAL, PRIORITY, NORMAL, PRIORITY):
        services.ticket_issue(center=hall, lane=lane)
        monday.shift(dt.timedelta(minutes=1))
    called = []
    while (ticket := services.ticket_call_next(actor=clerk, window=window1)) is not None:
        called.append(ticket.number)
        services.ticket_finish(actor=clerk, ticket=ticket)
    assert called == ["V001", "V002", "A001", "A002", "A003"]
    served = QueueTicket.objects.filter(center=hall)
    assert {t.status for t in served} == {QueueTicket.Status.SERVED}
    assert {t.window_id for t in served} == {window1.pk}


def test_a_window_finishes_its_number_before_calling_the_next(monday, hall, window1, clerk):
    services.ticket_issue(center=hall)
    services.ticket_issue(center=hall)
    first = services.ticket_call_next(actor=clerk, window=window1)
    with pytest.raises(Conflict):
        services.ticket_call_next(actor=clerk, window=window1)
    services.ticket_finish(actor=clerk, ticket=first, no_show=True)
    first.refresh_from_db()
    assert first.status == QueueTicket.Status.NO_SHOW and first.finished_at is not None
    with pytest.raises(InvalidTransition):
        services.ticket_finish(actor=clerk, ticket=first)
    assert services.ticket_call_next(actor=clerk, window=window1).number == "A002"


def test_only_a_clerk_of_the_region_calls_to_its_windows(monday, hall, window1, citizen, samr_reviewer, tianhe_clerk):
    ticket = services.ticket_issue(center=hall)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(actor=citizen, window=window1)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(actor=samr_reviewer, window=window1)
    with pytest.raises(NotFound):
        services.ticket_call_next(actor=tianhe_clerk, window=window1)
    tianhe_window = Window.objects.get(center__name="天河区政务服务中心", number="1")
    assert services.ticket_call_next(actor=tianhe_clerk, window=tianhe_window) is None
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.WAITING


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer: this test's own open transaction holds the write lock the clerks' threads "
    "would wait for; the API race test shows SQLite serialising writers (tests/cases/test_api_cases.py)",
)
def test_concurrent_calls_never_return_the_same_ticket(db, clerk):
    """Six clerks press 叫号 at the same instant over four waiting tickets: four distinct tickets, two empty."""
    hall = ServiceCenter.objects.get(name="海珠区政务服务中心")
    windows = list(Window.objects.filter(center=hall, kind=Window.Kind.GENERAL).order_by("number"))
    assert len(windows) == 6
    day = dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    results: dict[int, str | None] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(windows))

    def in_thread(work):
        # Each thread has its own connection, outside the test's transaction, so the rows really commit.
        def run(*args):
            try:
                work(*args)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    def issue():
        for lane in (NORMAL, PRIORITY, NORMAL, NORMAL):
            services.ticket_issue(center=hall, lane=lane)

    def call(window):
        barrier.wait(timeout=10)
        ticket = services.ticket_call_next(actor=clerk, window=window)
        results[window.pk] = ticket.number if ticket else None

    def clean():
        QueueTicket.objects.filter(center=hall, day=day.date()).delete()

    with time_machine.travel(day, tick=False):
        try:
            setup = threading.Thread(target=in_thread(issue))
            setup.start()
            setup.join()
            threads = [threading.Thread(target=in_thread(call), args=(w,)) for w in windows]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
        finally:
            cleanup = threading.Thread(target=in_thread(clean))
            cleanup.start()
            cleanup.join()
    assert not errors, errors
    called = [n for n in results.values() if n]
    assert sorted(called) == ["A001", "A002", "A003", "V001"]
    assert list(results.values()).count(None) == 2

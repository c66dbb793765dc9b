"""The worker's clock-sweep scheduler: it enqueues the sweep on a period and stops with its event."""

import threading

import pytest

from yiwang.cases.models import Case
from yiwang.core.management.commands import yiwang_worker


def test_the_scheduler_enqueues_at_once_and_on_every_tick_until_stopped():
    stop = threading.Event()
    calls = []

    def enqueue():
        calls.append(1)
        if len(calls) == 3:
            stop.set()

    assert yiwang_worker.schedule_sweeps(stop, 0, enqueue) == 3


def test_a_failed_enqueue_does_not_end_the_schedule():
    stop = threading.Event()
    calls = []

    def enqueue():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        stop.set()

    assert yiwang_worker.schedule_sweeps(stop, 0, enqueue) == 1
    assert len(calls) == 2


def test_the_scheduler_thread_is_a_daemon_and_stops_with_its_event():
    ticked = threading.Event()
    thread, stop = yiwang_worker.start_scheduler(0.01, enqueue=ticked.set)
    assert ticked.wait(2)
    assert thread.daemon
    stop.set()
    thread.join(2)
    assert not thread.is_alive()


def test_the_period_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("YIWANG_SWEEP_SECONDS", "5")
    assert yiwang_worker.sweep_seconds() == 5
    for bad in ("zero", "-1", "0"):
        monkeypatch.setenv("YIWANG_SWEEP_SECONDS", bad)
        assert yiwang_worker.sweep_seconds() == yiwang_worker.DEFAULT_SWEEP_SECONDS


@pytest.mark.django_db
def test_the_enqueued_sweep_applies_deemed_acceptance(submitted, monday):
    monday.move_to("2026-12-07 10:00:00+08:00")  # two weeks later: the 5-working-day notice time has passed
    yiwang_worker.enqueue_sweep()  # the test settings run tasks immediately
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.UNDER_REVIEW and submitted.deemed_accepted

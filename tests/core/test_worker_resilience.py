"""Issue #10: `yiwang worker` exited on a 12-second database outage and stayed down; a killed worker left its
task row RUNNING forever."""

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from yiwang.core.management.commands import yiwang_worker

# The scheduler thread and its stop event, not started in these tests.
_NOTHING = SimpleNamespace(join=lambda timeout: None, set=lambda: None)


@pytest.fixture(autouse=True)
def closed(monkeypatch):
    """The worker drops its connections after a failure; here the test's own connection must stay open."""
    calls = []
    monkeypatch.setattr(yiwang_worker, "connections", SimpleNamespace(close_all=lambda: calls.append(1)))
    return calls


def outage(failures: list[Exception]):
    """A queue loop that fails with each of `failures` in turn, then runs to its end; counts its starts."""
    starts = []

    def run():
        starts.append(1)
        if failures:
            raise failures.pop(0)

    return run, starts


def test_the_worker_survives_a_database_outage_and_starts_the_queue_again(db, monkeypatch, caplog, closed):
    run, starts = outage([OperationalError("server closed the connection")] * 3 + [InterfaceError("closed")])
    monkeypatch.setattr(yiwang_worker, "call_command", lambda *args: run())
    monkeypatch.setattr(yiwang_worker, "start_scheduler", lambda interval: (_NOTHING, _NOTHING))
    slept = []
    monkeypatch.setattr(yiwang_worker.time, "sleep", slept.append)
    with caplog.at_level(logging.WARNING, logger="yiwang.worker"):
        yiwang_worker.Command().handle()
    assert len(starts) == 5
    assert slept == [1, 2, 4, 8]
    assert len(closed) == 4  # a fresh connection after each failure
    assert "database unavailable" in caplog.text


def test_the_backoff_is_capped_and_never_gives_up(db):
    run, starts = outage([OperationalError("down")] * 12)
    slept = []
    yiwang_worker.run_resilient(run, sleep=slept.append)
    assert len(starts) == 13
    assert max(slept) == yiwang_worker.MAX_BACKOFF_SECONDS
    assert slept[:7] == [1, 2, 4, 8, 16, 32, 60]


def test_the_backoff_starts_over_after_the_queue_ran_a_while(db):
    run, _starts = outage([OperationalError("down")] * 4)
    moments = iter([0, 0, 1, 1, 2, 500, 501, 501, 502, 502])
    slept = []
    yiwang_worker.run_resilient(run, sleep=slept.append, clock=lambda: next(moments))
    assert slept == [1, 2, 1, 2]


def test_other_errors_still_end_the_worker(db):
    run, _starts = outage([ValueError("a bug")])
    with pytest.raises(ValueError):
        yiwang_worker.run_resilient(run, sleep=lambda s: None)


def _row(*, started_minutes_ago: float, workers: list[str]) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=workers,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="yiwang.core.tasks.upload_sweep",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )


def test_a_dead_workers_running_task_goes_back_to_the_queue(db, settings):
    settings.YIWANG_TASK_STALE_SECONDS = 600
    lost = _row(started_minutes_ago=11, workers=["killed"])
    busy = _row(started_minutes_ago=2, workers=["alive"])
    assert yiwang_worker.recover_stale_tasks() == {"ready": 1, "failed": 0}
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=lost.pk).exists()
    assert busy.status == TaskResultStatus.RUNNING


def test_a_task_lost_three_times_fails_instead_of_looping(db, settings):
    settings.YIWANG_TASK_STALE_SECONDS = 600
    lost = _row(started_minutes_ago=30, workers=["a", "b", "c"])
    assert yiwang_worker.recover_stale_tasks() == {"ready": 0, "failed": 1}
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path.endswith("WorkerLost")
    assert "stopped" in lost.traceback


def test_the_worker_recovers_lost_tasks_when_it_starts(db, monkeypatch, settings):
    settings.YIWANG_TASK_STALE_SECONDS = 600
    lost = _row(started_minutes_ago=11, workers=["killed"])
    seen = []
    monkeypatch.setattr(
        yiwang_worker, "call_command", lambda *args: seen.append(DBTaskResult.objects.get(pk=lost.pk).status)
    )
    monkeypatch.setattr(yiwang_worker, "start_scheduler", lambda interval: (_NOTHING, _NOTHING))
    yiwang_worker.Command().handle()
    assert seen == [TaskResultStatus.READY]

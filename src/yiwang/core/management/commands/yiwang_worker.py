"""`yiwang worker`: the database task queue, plus the periodic clock sweep.

A daemon thread enqueues the periodic jobs of settings.YIWANG_PERIODIC_TASKS (the case clock sweep, licence
renewal reminders, the claim clock, webhook retries, event consumer retries, lost-event redelivery and the 12345 monthly reports) every YIWANG_SWEEP_SECONDS (default 60); the queue
runs them like any other task. Each is idempotent, so several workers each scheduling it is harmless,
and a worker killed mid-sweep leaves nothing half-done for the next one. The thread is a daemon and also
watches an Event, so it ends with the process.

The queue never dies of a database outage: django-tasks-db's loop ends on the first OperationalError, so it
is started again after a pause that doubles up to MAX_BACKOFF_SECONDS. A task row left RUNNING by a worker
that was killed is found by its age (django-tasks-db keeps no heartbeat): past YIWANG_TASK_STALE_SECONDS it
goes back to READY, or to FAILED once it has been tried TASK_ATTEMPTS times. Checked at start and every tick.
"""

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("yiwang.worker")

DEFAULT_SWEEP_SECONDS = 60.0
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0
# Claims of one task (django-tasks-db appends the worker's id to worker_ids at each) before a lost one fails.
TASK_ATTEMPTS = 3


class WorkerLost(Exception):
    """The worker running this task stopped (killed, or its machine went down) before the task finished."""


def stale_seconds() -> float:
    return float(settings.YIWANG_TASK_STALE_SECONDS)


def recover_stale_tasks() -> dict[str, int]:
    """Put RUNNING rows older than stale_seconds() back to READY, or FAILED after TASK_ATTEMPTS claims."""
    cutoff = timezone.now() - dt.timedelta(seconds=stale_seconds())
    recovered = {"ready": 0, "failed": 0}
    with transaction.atomic():
        stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for row in stale:
            if len(row.worker_ids) < TASK_ATTEMPTS:
                row.status = TaskResultStatus.READY
                row.save(update_fields=["status"])
                recovered["ready"] += 1
            else:
                row.set_failed(WorkerLost(f"worker {row.worker_ids[-1]} stopped; tried {len(row.worker_ids)} times"))
                recovered["failed"] += 1
    if any(recovered.values()):
        logger.warning("tasks of a lost worker recovered: %(ready)d ready again, %(failed)d failed", recovered)
    return recovered


def run_resilient(
    run: Callable[[], None],
    *,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run the queue loop; when the database fails it, log, wait and start it again, for as long as it takes.
    The wait doubles from FIRST_BACKOFF_SECONDS up to MAX_BACKOFF_SECONDS, and starts over after a loop that
    ran longer than that. Returns only when the loop itself returns (asked to stop)."""
    delay = FIRST_BACKOFF_SECONDS
    while True:
        started = clock()
        try:
            recover_stale_tasks()
            run()
            return
        except (OperationalError, InterfaceError) as exc:
            if clock() - started > MAX_BACKOFF_SECONDS:
                delay = FIRST_BACKOFF_SECONDS
            logger.warning("database unavailable (%s); the worker starts again in %g s", exc, delay)
            connections.close_all()
            (sleep or time.sleep)(delay)
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)


def sweep_seconds() -> float:
    try:
        seconds = float(os.environ.get("YIWANG_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS))
    except ValueError:
        return DEFAULT_SWEEP_SECONDS
    return seconds if seconds > 0 else DEFAULT_SWEEP_SECONDS


def enqueue_sweep() -> None:
    for path in settings.YIWANG_PERIODIC_TASKS:
        import_string(path).enqueue()


def _enqueue_from_thread() -> None:
    # The scheduler thread holds its own connection; drop it if the database went away since the last tick.
    close_old_connections()
    recover_stale_tasks()
    enqueue_sweep()


def schedule_sweeps(stop: threading.Event, interval: float, enqueue: Callable[[], None] = enqueue_sweep) -> int:
    """Enqueue a sweep now and then every `interval` seconds until `stop` is set; return how many were enqueued.

    A failed enqueue (the database restarting, say) is logged and retried at the next tick rather than
    ending the schedule: the clock must keep being swept once the database is back.
    """
    enqueued = 0
    while not stop.is_set():
        try:
            enqueue()
            enqueued += 1
        except Exception:
            logger.exception("could not enqueue the clock sweep; retrying in %s s", interval)
        stop.wait(interval)
    return enqueued


def _scheduler_thread(stop: threading.Event, interval: float, enqueue: Callable[[], None]) -> None:
    try:
        schedule_sweeps(stop, interval, enqueue)
    finally:
        connection.close()


def start_scheduler(
    interval: float, enqueue: Callable[[], None] = _enqueue_from_thread
) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=_scheduler_thread, args=(stop, interval, enqueue), name="clock-sweep", daemon=True)
    thread.start()
    return thread, stop


class Command(BaseCommand):
    help = "启动后台任务进程（数据库队列），并定时执行办件时限巡检"

    def handle(self, *args, **options):
        interval = sweep_seconds()
        thread, stop = start_scheduler(interval)
        self.stdout.write(f"clock sweep every {interval:g} s")
        try:
            run_resilient(lambda: call_command("db_worker", "--queue-name", "*", "--no-reload"))
        finally:
            stop.set()
            thread.join(timeout=5)

"""`yiwang worker`: the database task queue, plus the periodic clock sweep.

A daemon thread enqueues the periodic jobs of settings.YIWANG_PERIODIC_TASKS (the case clock sweep, licence
renewal reminders, the claim clock, webhook retries, event consumer retries and lost-event redelivery) every YIWANG_SWEEP_SECONDS (default 60); the queue
runs them like any other task. Each is idempotent, so several workers each scheduling it is harmless,
and a worker killed mid-sweep leaves nothing half-done for the next one. The thread is a daemon and also
watches an Event, so it ends with the process.
"""

import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger("yiwang.worker")

DEFAULT_SWEEP_SECONDS = 60.0


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
            call_command("db_worker", "--queue-name", "*", "--no-reload")
        finally:
            stop.set()
            thread.join(timeout=5)

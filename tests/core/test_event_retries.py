"""A failing consumer does not hold up the others, is retried with backoff until it applies the event once or
dies; an event whose after-commit enqueue was lost is delivered by the sweep once its grace period is over."""

import datetime as dt
import logging
import os
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction

from yiwang.core import events
from yiwang.core.models import AuditEntry, ConsumerFailure, Event, EventDelivery

SECOND = dt.timedelta(seconds=1)


class Consumer:
    """Raises for its first `failures` calls, then applies: records each event id it applied."""

    def __init__(self, failures=0, error="the licence service is down", pause=0.0):
        self.failures, self.error, self.pause = failures, error, pause
        self.calls, self.applied = 0, []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.failures
        if failing:
            raise RuntimeError(self.error)
        time.sleep(self.pause)
        with self.lock:
            self.applied.append(event.pk)


@pytest.fixture
def register(monkeypatch):
    """Replace the registry: only this test's consumers, so the sweep leaves the apps' consumers alone."""
    registry: dict = {}
    monkeypatch.setattr(events, "_consumers", registry)

    def add(event_type, **consumers):
        registry[event_type] = list(consumers.items())

    return add


def emit(capture, event_type="test.granted", payload=None) -> Event:
    with capture(execute=True), transaction.atomic():
        return events.emit(event_type, payload or {"case_id": 1})


def test_a_failing_consumer_neither_stops_the_others_nor_the_task(db, register, django_capture_on_commit_callbacks):
    flaky, steady = Consumer(failures=1), Consumer()
    register("test.granted", flaky=flaky, steady=steady)
    event = emit(django_capture_on_commit_callbacks)  # the failing one is registered first
    assert steady.applied == [event.pk]
    failure = ConsumerFailure.objects.get(event=event)
    assert (failure.consumer, failure.attempts, failure.dead) == ("flaky", 1, False)
    assert failure.last_error == "RuntimeError: the licence service is down"
    assert failure.next_attempt_at - failure.last_failed_at >= dt.timedelta(seconds=24)  # 30 s less jitter
    assert list(EventDelivery.objects.filter(event=event).values_list("consumer", flat=True)) == ["steady"]


def test_a_consumer_failing_twice_is_applied_once_by_the_sweeps(db, register, django_capture_on_commit_callbacks):
    flaky, steady = Consumer(failures=2), Consumer()
    register("test.granted", flaky=flaky, steady=steady)
    event = emit(django_capture_on_commit_callbacks)
    first = ConsumerFailure.objects.get(event=event, consumer="flaky")

    assert events.event_redeliver_sweep(now=first.next_attempt_at - SECOND) == {
        "retried": 0,
        "failed": 0,
        "redelivered": 0,
    }
    assert flaky.calls == 1  # not due yet

    assert events.event_redeliver_sweep(now=first.next_attempt_at)["failed"] == 1
    second = ConsumerFailure.objects.get(pk=first.pk)
    assert second.attempts == 2
    assert second.next_attempt_at - first.next_attempt_at >= dt.timedelta(seconds=48)  # doubled

    assert events.event_redeliver_sweep(now=second.next_attempt_at)["retried"] == 1
    assert flaky.applied == [event.pk] and flaky.calls == 3
    assert not ConsumerFailure.objects.exists()  # the delivered retry closes it

    later = second.next_attempt_at + dt.timedelta(days=1)
    assert events.event_redeliver_sweep(now=later) == {"retried": 0, "failed": 0, "redelivered": 0}
    assert events.deliver_event.call(str(event.pk)) == 0  # a replay finds both applied
    assert flaky.applied == [event.pk] and steady.applied == [event.pk]
    assert EventDelivery.objects.filter(event=event).count() == 2


def test_after_the_last_attempt_it_is_dead_logged_and_left_alone(
    db, register, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EVENT_RETRY_MAX_ATTEMPTS = 3
    broken = Consumer(failures=99, error="connect to postgresql://svc:hunter2@db/licences failed, password=hunter2")
    register("test.granted", broken=broken)
    event = emit(django_capture_on_commit_callbacks)
    with caplog.at_level(logging.ERROR, logger="yiwang.core.events"):
        for _ in range(2):
            due = ConsumerFailure.objects.get(event=event).next_attempt_at
            events.event_redeliver_sweep(now=due)
    failure = ConsumerFailure.objects.get(event=event)
    assert failure.dead and failure.attempts == 3 and failure.dead_at is not None
    assert "hunter2" not in failure.last_error and "postgresql://***@db" in failure.last_error
    [given_up] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "gave up" in given_up.getMessage() and "hunter2" not in given_up.getMessage()
    assert AuditEntry.objects.filter(action="event.consumer_dead", target_id=str(failure.pk)).exists()

    for days in (1, 3, 6):
        assert events.event_redeliver_sweep(now=failure.dead_at + dt.timedelta(days=days))["failed"] == 0
    assert broken.calls == 3 and broken.applied == []


def test_an_event_whose_enqueue_was_lost_is_delivered_after_the_grace_period(db, register):
    first, second = Consumer(), Consumer()
    register("test.granted", first=first, second=second)
    event = Event.objects.create(type="test.granted", payload={"case_id": 1})  # committed, never enqueued
    EventDelivery.objects.create(event=event, consumer="first")  # one consumer had applied it before the crash

    assert events.event_redeliver_sweep(now=event.created_at + dt.timedelta(seconds=59))["redelivered"] == 0
    assert second.applied == []  # its own enqueue may still be on the way

    assert events.event_redeliver_sweep(now=event.created_at + dt.timedelta(seconds=61))["redelivered"] == 1
    assert second.applied == [event.pk] and first.applied == []
    assert events.event_redeliver_sweep(now=event.created_at + dt.timedelta(minutes=5))["redelivered"] == 0


def test_the_lost_event_sweep_is_bounded_and_looks_back_a_week(db, register):
    applied = Consumer()
    register("test.granted", applied=applied)
    old = Event.objects.create(type="test.granted", payload={})
    Event.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=8))
    Event.objects.create(type="test.other", payload={})  # nobody consumes it
    recent = [Event.objects.create(type="test.granted", payload={"n": n}) for n in range(5)]
    now = recent[-1].created_at + dt.timedelta(minutes=2)

    assert events.event_redeliver_sweep(now=now, limit=3)["redelivered"] == 3
    assert applied.applied == [e.pk for e in recent[:3]]  # oldest first
    assert events.event_redeliver_sweep(now=now, limit=3)["redelivered"] == 2
    assert events.event_redeliver_sweep(now=now)["redelivered"] == 0
    assert old.pk not in applied.applied


def test_a_dead_failure_is_retried_from_the_admin(
    db, register, settings, client, superuser, django_capture_on_commit_callbacks
):
    settings.EVENT_RETRY_MAX_ATTEMPTS = 1
    fixed_later = Consumer(failures=1)
    register("test.granted", issue=fixed_later)
    event = emit(django_capture_on_commit_callbacks)
    failure = ConsumerFailure.objects.get(event=event)
    assert failure.dead
    client.force_login(superuser)

    assert client.get("/admin/core/consumerfailure/add/").status_code == 403
    listing = client.get("/admin/core/consumerfailure/?dead__exact=1").content.decode()
    assert "RuntimeError: the licence service is down" in listing
    assert "RuntimeError" not in client.get("/admin/core/consumerfailure/?dead__exact=0").content.decode()

    answer = client.post(
        "/admin/core/consumerfailure/", {"action": "retry_now", "_selected_action": [failure.pk]}, follow=True
    )
    assert answer.status_code == 200 and "已重试成功 1 条" in answer.content.decode()
    assert fixed_later.applied == [event.pk]
    assert not ConsumerFailure.objects.exists()
    assert EventDelivery.objects.filter(event=event, consumer="issue").exists()
    entry = AuditEntry.objects.get(action="event.retry")
    assert entry.actor == superuser and entry.data["was_dead"] is True


def test_retrying_now_a_failure_that_fails_again_reschedules_it(db, register, superuser):
    still_broken = Consumer(failures=99)
    register("test.granted", issue=still_broken)
    event = Event.objects.create(type="test.granted", payload={})
    events.deliver_event.call(str(event.pk))
    failure = ConsumerFailure.objects.get(event=event)

    assert events.consumer_failure_retry(actor=superuser, failure=failure) is False
    failure.refresh_from_db()
    assert failure.attempts == 2 and not failure.dead and failure.next_attempt_at > failure.last_failed_at


def _two_sweeps_at_once(now) -> list:
    start = threading.Barrier(2)
    outcomes: list = []

    def sweep():
        try:
            start.wait()
            outcomes.append(events.event_redeliver_sweep(now=now))
        except Exception as exc:  # reported by the caller's assertion
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and all(isinstance(o, dict) for o in outcomes), outcomes
    return outcomes


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite runs one writer at a time, so the sweeps could not overlap",
)
def test_two_sweeps_at_once_apply_each_consumer_once(reference_data_restored, transactional_db, register):
    """Lost events both sweeps find, then due failures both sweeps see: every (event, consumer) applied once."""
    slow = Consumer(pause=0.05)
    register("test.granted", slow=slow)
    lost = [Event.objects.create(type="test.granted", payload={"n": n}) for n in range(10)]
    outcomes = _two_sweeps_at_once(lost[-1].created_at + dt.timedelta(minutes=5))
    assert Counter(slow.applied) == {e.pk: 1 for e in lost}
    assert sum(o["redelivered"] for o in outcomes) == 10

    failed = [Event.objects.create(type="test.granted", payload={"n": n}) for n in range(10, 20)]
    for event in failed:
        ConsumerFailure.objects.create(
            event=event,
            consumer="slow",
            attempts=1,
            first_failed_at=event.created_at,
            last_failed_at=event.created_at,
            next_attempt_at=event.created_at,
        )
    outcomes = _two_sweeps_at_once(failed[-1].created_at + dt.timedelta(minutes=5))
    assert Counter(slow.applied) == {e.pk: 1 for e in lost + failed}
    assert sum(o["retried"] for o in outcomes) == 10
    assert EventDelivery.objects.filter(consumer="slow").count() == 20
    assert not ConsumerFailure.objects.exists()

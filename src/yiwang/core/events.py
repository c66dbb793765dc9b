"""Events: emitted inside a service's transaction (the outbox), delivered after commit, at least once.

A consumer registers for an event type; delivery records (event, consumer) so a consumer that sees the
same event twice (a retry, a replay) applies it once: the EventDelivery row is inserted in the same
transaction as the consumer's own writes, and its unique key makes a second worker wait for the first
and then skip (or apply, if the first rolled back).

A consumer that raises does not hold up the others: its failure is recorded (ConsumerFailure) and retried
with backoff by the periodic `event_redeliver_sweep`, which also delivers events whose after-commit enqueue
never happened (the process died between commit and enqueue, or a worker died mid-task).
"""

import datetime as dt
import logging
import random
import re
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from .audit import audit_record
from .errors import NotFound
from .models import ConsumerFailure, Event, EventDelivery
from .writebehind import defer_insert

log = logging.getLogger(__name__)
_consumers: dict[str, list[tuple[str, Callable[[Event], None]]]] = {}

# How long a sweep holds a failure it is retrying before another worker may take it (a worker killed mid-retry).
RETRY_LEASE = dt.timedelta(minutes=10)

APPLIED, ALREADY, FAILED = "applied", "already", "failed"

_SECRETS = [
    (re.compile(r"(://)[^/\s:@]+:[^/\s@]+@"), r"\1***@"),
    (re.compile(r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|authorization)\b(\s*[=:]\s*)\S+"), r"\1\2***"),
]


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("EVENT_RETRY_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: base × 2^(n-1), capped, with up to 20% jitter off."""
    base = _setting("EVENT_RETRY_BACKOFF_SECONDS", 30)
    cap = _setting("EVENT_RETRY_BACKOFF_CAP_SECONDS", 6 * 3600)
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=delay * random.uniform(0.8, 1.0))


def consumer(event_type: str, *, name: str):
    """Register `func(event)` for an event type under a stable name (the name is its idempotency key)."""

    def register(func):
        _consumers.setdefault(event_type, []).append((name, func))
        return func

    return register


def emit(event_type: str, payload: dict) -> Event:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit must run inside the service's transaction")
    event = Event(type=event_type, payload=payload)
    defer_insert(event)
    # An event nobody consumes yet stays in the outbox (a later consumer can replay it) but queues no work.
    if _consumers.get(event_type):
        transaction.on_commit(lambda: deliver_event.enqueue(str(event.pk)))
    return event


@task()
def deliver_event(event_id: str) -> int:
    """Apply an event to each of its consumers that has not applied it yet; return how many did now.

    A consumer that raises is recorded for a later retry and the others still run, so the task itself succeeds.
    """
    event = Event.objects.get(pk=event_id)
    now = timezone.now()
    applied = 0
    for name, func in _consumers.get(event.type, []):
        if EventDelivery.objects.filter(event=event, consumer=name).exists():
            continue
        applied += _apply(event, name, func, now=now) == APPLIED
    return applied


def _apply(event: Event, name: str, func: Callable[[Event], None], *, now: dt.datetime) -> str:
    """Run one consumer on one event unless it has; APPLIED, ALREADY, or FAILED (recorded for a retry)."""
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    EventDelivery.objects.create(event=event, consumer=name)
            except IntegrityError:
                return ALREADY  # applied before, or by another worker that has just committed
            func(event)
            ConsumerFailure.objects.filter(event=event, consumer=name).delete()
    except Exception as exc:  # any consumer error: recorded and retried, never allowed to stop the others
        log.warning("consumer %s failed on event %s (%s)", name, event.pk, event.type, exc_info=True)
        _record_failure(event, name, _error_text(exc), now=now)
        return FAILED
    return APPLIED


def _error_text(exc: BaseException) -> str:
    """What the admin shows: class and message, credentials masked, short; the traceback stays in the log."""
    text = f"{type(exc).__name__}: {exc}"
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text[:300]


@transaction.atomic
def _record_failure(event: Event, name: str, error: str, *, now: dt.datetime) -> None:
    if EventDelivery.objects.filter(event=event, consumer=name).exists():
        return  # another worker applied it while this one was failing
    failure, _ = ConsumerFailure.objects.select_for_update().get_or_create(
        event=event,
        consumer=name,
        defaults={"first_failed_at": now, "last_failed_at": now, "next_attempt_at": now},
    )
    failure.attempts += 1
    failure.last_error, failure.last_failed_at = error, now
    if failure.attempts >= max_attempts():
        if not failure.dead:
            failure.dead, failure.dead_at = True, now
            log.error(
                "consumer %s gave up on event %s (%s) after %s attempts: %s",
                name,
                event.pk,
                event.type,
                failure.attempts,
                error,
            )
            audit_record(
                actor=None,
                action="event.consumer_dead",
                target=failure,
                data={"event": str(event.pk), "consumer": name, "attempts": failure.attempts, "error": error},
            )
    else:
        failure.next_attempt_at = now + backoff(failure.attempts)
    failure.save()


def _registered(event_type: str, name: str) -> Callable[[Event], None] | None:
    return next((func for known, func in _consumers.get(event_type, []) if known == name), None)


def _retry(failure: ConsumerFailure, *, now: dt.datetime) -> str:
    func = _registered(failure.event.type, failure.consumer)
    if func is None:
        _record_failure(
            failure.event, failure.consumer, "LookupError: no consumer is registered under this name", now=now
        )
        return FAILED
    outcome = _apply(failure.event, failure.consumer, func, now=now)
    if outcome == ALREADY:
        # Applied by a worker whose success raced this failure's record: nothing left to retry.
        ConsumerFailure.objects.filter(pk=failure.pk).delete()
    return outcome


def _lease_next_failure(now: dt.datetime) -> ConsumerFailure | None:
    """Take the most overdue failure for one retry, or None; SKIP LOCKED so a concurrent sweep takes another.

    One at a time, the lease counted from the clock when it is taken, so a long sweep's later rows are not
    already free for another worker by the time this one reaches them.
    """
    with transaction.atomic():
        pk = (
            ConsumerFailure.objects.select_for_update(skip_locked=True)
            .filter(dead=False, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        ConsumerFailure.objects.filter(pk=pk).update(next_attempt_at=max(now, timezone.now()) + RETRY_LEASE)
    return ConsumerFailure.objects.select_related("event").get(pk=pk)


def _lost(now: dt.datetime, limit: int) -> list[tuple[Event, str]]:
    """Up to `limit` (event, consumer) pairs past the grace period with neither a delivery nor a failure.

    One query per consumer name, over a bounded window of Event.created_at (indexed); each candidate is
    checked against the unique (event, consumer) indexes of EventDelivery and ConsumerFailure.
    """
    grace = dt.timedelta(seconds=_setting("EVENT_REDELIVER_GRACE_SECONDS", 60))
    lookback = dt.timedelta(days=_setting("EVENT_REDELIVER_LOOKBACK_DAYS", 1))
    types_by_name: dict[str, list[str]] = {}
    for event_type, registered in _consumers.items():
        for name, _func in registered:
            types_by_name.setdefault(name, []).append(event_type)
    found: list[tuple[Event, str]] = []
    for name, types in sorted(types_by_name.items()):
        if len(found) >= limit:
            break
        events = (
            Event.objects.filter(type__in=types, created_at__gte=now - lookback, created_at__lt=now - grace)
            .filter(~Exists(EventDelivery.objects.filter(event=OuterRef("pk"), consumer=name)))
            .filter(~Exists(ConsumerFailure.objects.filter(event=OuterRef("pk"), consumer=name)))
            .order_by("created_at")[: limit - len(found)]
        )
        found.extend((event, name) for event in events)
    return found


def event_redeliver_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The worker's periodic job: retry due failures, then deliver events whose enqueue was lost.

    Bounded by `limit` for each half. Safe to run in several workers at once: due failures are leased one at
    a time with SKIP LOCKED, and a lost event two workers both find is still applied once (EventDelivery's
    unique key).
    """
    now = now or timezone.now()
    counts = {"retried": 0, "failed": 0, "redelivered": 0}
    for _ in range(limit):
        failure = _lease_next_failure(now)
        if failure is None:
            break
        outcome = _retry(failure, now=now)
        counts["failed" if outcome == FAILED else "retried"] += 1
    for event, name in _lost(now, limit):
        func = _registered(event.type, name)
        outcome = _apply(event, name, func, now=now)
        if outcome == APPLIED:
            counts["redelivered"] += 1
        elif outcome == FAILED:
            counts["failed"] += 1
    if any(counts.values()):
        log.info("event redelivery sweep: %s", counts)
    return counts


@transaction.atomic
def _revive(*, actor, failure: ConsumerFailure, now: dt.datetime) -> ConsumerFailure:
    locked = ConsumerFailure.objects.select_for_update().select_related("event").filter(pk=failure.pk).first()
    if locked is None:
        raise NotFound()  # retried and applied meanwhile
    was_dead = locked.dead
    if was_dead:
        locked.dead, locked.dead_at, locked.attempts = False, None, 0
    # Held as a lease while this request runs it, so a sweep does not retry it at the same time.
    locked.next_attempt_at = now + RETRY_LEASE
    locked.save()
    audit_record(
        actor=actor,
        action="event.retry",
        target=locked,
        data={"event": str(locked.event_id), "consumer": locked.consumer, "was_dead": was_dead},
    )
    return locked


def consumer_failure_retry(*, actor, failure: ConsumerFailure) -> bool:
    """Run a failed consumer now (a dead one with a fresh set of attempts); True when the event is applied.

    Not one transaction: the revival is audited and committed first, then the consumer runs in its own, and a
    new failure is recorded and scheduled like any other.
    """
    now = timezone.now()
    locked = _revive(actor=actor, failure=failure, now=now)
    return _retry(locked, now=now) != FAILED

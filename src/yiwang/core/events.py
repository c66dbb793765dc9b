"""Events: emitted inside a service's transaction (the outbox), delivered after commit, at least once.

A consumer registers for an event type; delivery records (event, consumer) so a consumer that sees the
same event twice (a retry, a replay) applies it once.
"""

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django_tasks import task

from .models import Event, EventDelivery

log = logging.getLogger(__name__)
_consumers: dict[str, list[tuple[str, Callable[[Event], None]]]] = {}


def consumer(event_type: str, *, name: str):
    """Register `func(event)` for an event type under a stable name (the name is its idempotency key)."""

    def register(func):
        _consumers.setdefault(event_type, []).append((name, func))
        return func

    return register


def emit(event_type: str, payload: dict) -> Event:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit must run inside the service's transaction")
    event = Event.objects.create(type=event_type, payload=payload)
    # An event nobody consumes yet stays in the outbox (a later consumer can replay it) but queues no work.
    if _consumers.get(event_type):
        transaction.on_commit(lambda: deliver_event.enqueue(str(event.pk)))
    return event


@task()
def deliver_event(event_id: str) -> int:
    """Apply an event to each of its consumers that has not applied it yet; return how many did now."""
    event = Event.objects.get(pk=event_id)
    applied = 0
    for name, func in _consumers.get(event.type, []):
        if EventDelivery.objects.filter(event=event, consumer=name).exists():
            continue
        try:
            with transaction.atomic():
                EventDelivery.objects.create(event=event, consumer=name)
                func(event)
        except IntegrityError:
            continue  # another worker applied it between our check and our insert
        applied += 1
    return applied

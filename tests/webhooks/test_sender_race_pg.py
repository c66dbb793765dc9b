"""Two senders sweeping the same deliveries at once, against a real receiver on 127.0.0.1: nothing is posted
twice, even when one sender's batch outlasts its lease (PostgreSQL only: SQLite runs one writer at a time)."""

import datetime as dt
import os
import threading
import time
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.webhooks.receiver import Receiver
from yiwang.core.models import Event
from yiwang.webhooks import services
from yiwang.webhooks.models import Delivery

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite runs one writer at a time, so the senders could not overlap",
)

EVENTS = 30


@pytest.fixture
def queued(reference_data_restored, transactional_db, superuser, samr_reviewer):
    """A subscription and EVENTS committed deliveries due now; returns (subscription, secret, event ids)."""

    def make(url):
        sub, secret = services.subscription_create(
            actor=superuser,
            system_name="市场监管业务系统",
            department=samr_reviewer.staff_roles.get().department,
            url=url,
            event_types=["licence.issued"],
        )
        # Rows written directly rather than emitted: emitting would send them at once, before the race.
        events = [Event.objects.create(type="licence.issued", payload={"licence": f"L-{n:04d}"}) for n in range(EVENTS)]
        Delivery.objects.bulk_create(
            Delivery(event=e, subscription=sub, next_attempt_at=timezone.now()) for e in events
        )
        return sub, secret, {str(e.pk) for e in events}

    return make


def _pending() -> bool:
    return Delivery.objects.filter(status=Delivery.Status.PENDING).exists()


def sender(results: list, start: threading.Barrier | None = None, limit: int = 5, deadline: float = 60) -> None:
    """One worker: sweep until nothing is pending (or the deadline passes)."""
    try:
        if start:
            start.wait()
        stop = time.monotonic() + deadline
        while _pending() and time.monotonic() < stop:
            results.append(services.delivery_sweep(limit=limit))
    except Exception as exc:  # reported by the test's assertion
        results.append(exc)
    finally:
        connection.close()


def race(*runs) -> list:
    results: list = []
    threads = [threading.Thread(target=sender, args=(results, *run)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def test_two_senders_post_each_delivery_exactly_once(queued):
    with Receiver(fail_every=0) as receiver:
        _, receiver.secret, ids = queued(receiver.url)
        start = threading.Barrier(2)
        results = race((start,), (start,))
    assert receiver.posts() == Counter(dict.fromkeys(ids, 1))
    assert receiver.rejected == 0
    assert sum(r["delivered"] for r in results) == EVENTS
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.DELIVERED, 1)}


def test_two_senders_with_a_receiver_failing_half_the_time_apply_each_event_once(queued, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 0  # retry at once: the race, not the backoff, is under test
    settings.WEBHOOK_MAX_ATTEMPTS = 50
    with Receiver(fail_every=2) as receiver:
        _, receiver.secret, ids = queued(receiver.url)
        start = threading.Barrier(2)
        race((start,), (start,))
    assert set(receiver.applied) == ids
    assert receiver.requests > EVENTS  # some were answered 500 and sent again
    for event_id, statuses in receiver.answers.items():
        # Posted again only after a failure, never once more after it succeeded, never two at a time.
        assert statuses[-1] == 204 and set(statuses[:-1]) <= {500}, (event_id, statuses)
    attempts = dict(Delivery.objects.values_list("event_id", "attempts"))
    assert {str(k): v for k, v in attempts.items()} == dict(receiver.posts())
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}


def test_a_batch_outlasting_its_lease_is_not_sent_again_by_the_other_sender(queued):
    """A slow receiver: the first sender is still working through its rows when the clock passes the lease it
    took at the start of its sweep; the second sender must not post the rows the first is about to send."""
    with Receiver(fail_every=0, pause=0.5) as receiver, time_machine.travel(timezone.now(), tick=True) as clock:
        _, receiver.secret, ids = queued(receiver.url)
        first: list = []
        slow = threading.Thread(target=sender, args=(first, None, EVENTS))
        slow.start()
        while receiver.requests < 5 and slow.is_alive():
            time.sleep(0.01)
        clock.shift(dt.timedelta(seconds=68))  # 70 s after the first sender's sweep began
        results = race((None, 5))
        slow.join(timeout=90)
    assert not any(isinstance(r, Exception) for r in first), first
    assert receiver.posts() == Counter(dict.fromkeys(ids, 1))
    assert sum(r["delivered"] for r in first + results) == EVENTS
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}

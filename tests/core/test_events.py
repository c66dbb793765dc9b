"""The outbox: an event commits with its change, is delivered after commit, and each consumer applies it once."""

import pytest
from django.db import transaction

from yiwang.core import events
from yiwang.core.models import ConsumerFailure, Event, EventDelivery


@pytest.fixture
def applied(monkeypatch):
    seen: list[str] = []
    monkeypatch.setitem(events._consumers, "test.ping", [("recorder", lambda event: seen.append(event.payload["n"]))])
    return seen


def test_delivered_after_commit_and_applied_once(db, applied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = events.emit("test.ping", {"n": "one"})
        assert applied == []  # nothing happens before commit
    assert applied == ["one"]
    assert events.deliver_event.call(str(event.pk)) == 0  # a replay finds it applied
    assert applied == ["one"]
    assert EventDelivery.objects.filter(event=event, consumer="recorder").count() == 1


def test_a_failing_consumer_is_recorded_and_retried_later(db, monkeypatch):
    attempts: list[int] = []

    def flaky(event):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the department's system is down")

    monkeypatch.setitem(events._consumers, "test.flaky", [("flaky", flaky)])
    with transaction.atomic():
        event = events.emit("test.flaky", {})
    assert events.deliver_event.call(str(event.pk)) == 0  # the failure is recorded, not raised
    assert not EventDelivery.objects.filter(event=event).exists()  # rolled back with the failure
    assert ConsumerFailure.objects.filter(event=event, consumer="flaky", attempts=1).exists()
    assert events.deliver_event.call(str(event.pk)) == 1
    assert len(attempts) == 2
    assert not ConsumerFailure.objects.exists()  # the successful retry closes it


def test_an_event_nobody_consumes_stays_in_the_outbox_without_queued_work(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        events.emit("test.unheard", {"n": 1})
    assert callbacks == []
    assert Event.objects.filter(type="test.unheard").exists()

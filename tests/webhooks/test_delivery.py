"""Signed webhooks against a real receiver on 127.0.0.1 that fails half the time."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from tests.webhooks.receiver import Receiver
from yiwang.core.audit import audit_verify
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.core.events import emit
from yiwang.webhooks import services
from yiwang.webhooks.models import Delivery, Subscription
from yiwang.webhooks.signing import open_secret, sign, verify_signature


@pytest.fixture
def samr(samr_reviewer):
    """海珠区市场监督管理局, the department whose business system subscribes."""
    return samr_reviewer.staff_roles.get().department


def subscribe(superuser, department, url, types=("licence.issued", "licence.revoked")):
    sub, secret = services.subscription_create(
        actor=superuser, system_name="市场监管业务系统", department=department, url=url, event_types=list(types)
    )
    return sub, secret


def emit_events(capture, n, event_type="licence.issued"):
    ids = []
    for i in range(n):
        with capture(execute=True), transaction.atomic():
            ids.append(str(emit(event_type, {"licence": f"L-{i:04d}", "department_id": 1}).pk))
    return ids


def sweep_until_settled(limit=40):
    """Run the sweep at ever later moments (time travel past each backoff) until nothing is pending."""
    moment = timezone.now()
    for _ in range(limit):
        moment += dt.timedelta(hours=7)  # beyond the backoff cap, so every pending row is due
        with time_machine.travel(moment, tick=True):
            services.delivery_sweep()
        if not Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            return
    raise AssertionError("deliveries still pending")


def test_every_event_is_delivered_and_applied_once_despite_failures(
    superuser, django_capture_on_commit_callbacks, samr
):
    with Receiver() as receiver:
        sub, secret = subscribe(superuser, samr, receiver.url)
        receiver.secret = secret
        ids = emit_events(django_capture_on_commit_callbacks, 20)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            emit("case.submitted", {"case": "x"})  # not subscribed: no delivery
        assert Delivery.objects.filter(subscription=sub).count() == 20
        sweep_until_settled()
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert set(receiver.applied) == set(ids)
    assert len(receiver.received) > len(ids)  # some arrived twice (answered 500 after applying)
    assert receiver.rejected == 0
    retried = Delivery.objects.filter(attempts__gt=1)
    assert retried.exists()
    assert all(d.delivered_at > d.created_at for d in retried)
    payload = receiver.applied[ids[0]]
    assert payload["type"] == "licence.issued" and payload["data"]["licence"] == "L-0000"


def test_queueing_is_idempotent_and_only_for_active_matching_subscriptions(
    superuser, django_capture_on_commit_callbacks, samr
):
    sub, _ = subscribe(superuser, samr, "http://127.0.0.1:9/x", types=["licence.revoked"])
    off, _ = subscribe(superuser, samr, "http://127.0.0.1:9/y", types=["licence.issued"])
    services.subscription_update(
        actor=superuser,
        subscription=off,
        system_name=off.system_name,
        url=off.url,
        event_types=off.event_types,
        active=False,
    )
    [issued] = emit_events(django_capture_on_commit_callbacks, 1, "licence.issued")
    [revoked] = emit_events(django_capture_on_commit_callbacks, 1, "licence.revoked")
    assert not Delivery.objects.filter(event_id=issued).exists()
    assert list(Delivery.objects.filter(event_id=revoked).values_list("subscription", flat=True)) == [sub.pk]
    from yiwang.core.models import Event

    assert services.deliveries_queue(event=Event.objects.get(pk=revoked)) == 0
    assert Delivery.objects.filter(event_id=revoked).count() == 1


def test_signature_rejects_tampering_old_timestamps_and_wrong_secrets():
    body = b'{"id":"1"}'
    now = 1_800_000_000
    good = sign("s3cret", now, body)
    assert verify_signature("s3cret", str(now), body, good, now=now + 299)
    assert not verify_signature("s3cret", str(now), body, good, now=now + 301)  # replayed after 5 minutes
    assert not verify_signature("s3cret", str(now + 1), body, good, now=now)  # timestamp swapped
    assert not verify_signature("s3cret", str(now), body + b" ", good, now=now)
    assert not verify_signature("other", str(now), body, good, now=now)
    assert not verify_signature("s3cret", "soon", body, good, now=now)


def test_a_captured_request_replayed_later_is_refused(superuser, django_capture_on_commit_callbacks, samr):
    with Receiver(fail_every=10**6) as receiver:
        sub, secret = subscribe(superuser, samr, receiver.url)
        receiver.secret = secret
        [event_id] = emit_events(django_capture_on_commit_callbacks, 1)
        delivery = Delivery.objects.get(event_id=event_id)
        body = services.body_for(delivery.event)
        old = int(time.time()) - 600
        # An attacker re-sends a genuinely signed request that is ten minutes old.
        assert (
            receiver.handle({"X-Yiwang-Timestamp": str(old), "X-Yiwang-Signature": sign(secret, old, body)}, body)
            == 401
        )
        assert receiver.rejected == 1 and receiver.received == [event_id]  # only the genuine, immediate one
    assert open_secret(Subscription.objects.get(pk=sub.pk).secret_encrypted) == secret
    assert secret not in Subscription.objects.get(pk=sub.pk).secret_encrypted


def test_dead_letter_after_max_attempts_then_replay_delivers(
    superuser, django_capture_on_commit_callbacks, samr, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with Receiver(fail_every=1) as receiver:  # always fails
        _, secret = subscribe(superuser, samr, receiver.url)
        receiver.secret = secret
        [event_id] = emit_events(django_capture_on_commit_callbacks, 1)
        sweep_until_settled()
        delivery = Delivery.objects.get(event_id=event_id)
        assert delivery.status == Delivery.Status.DEAD
        assert delivery.attempts == 3 and delivery.last_status_code == 500
        assert len(receiver.received) == 3
        with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
            assert services.delivery_sweep() == {"delivered": 0, "failed": 0}  # dead letters are not retried

        receiver.fail_every = 10**6  # the department fixed its system
        services.delivery_replay(actor=superuser, delivery=delivery)
        with pytest.raises(InvalidTransition):
            services.delivery_replay(actor=superuser, delivery=delivery)
        assert services.delivery_sweep() == {"delivered": 1, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 1
    assert list(receiver.applied) == [event_id]
    assert audit_verify()[0]


def test_unreachable_receiver_is_retried_with_growing_backoff(superuser, django_capture_on_commit_callbacks, samr):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(superuser, samr, url)  # the server is closed: connection refused
    [event_id] = emit_events(django_capture_on_commit_callbacks, 1)  # the first attempt goes out at once

    def delay():
        d = Delivery.objects.get(event_id=event_id)
        assert d.status == Delivery.Status.PENDING and d.last_status_code is None and d.last_error
        return (d.next_attempt_at - d.last_attempt_at).total_seconds()

    delays = [delay()]
    moment = timezone.now()
    for _ in range(2):
        moment += dt.timedelta(hours=7)
        with time_machine.travel(moment, tick=False):
            services.delivery_sweep()
        delays.append(delay())
    assert 24 <= delays[0] <= 30 and 48 <= delays[1] <= 60 and 96 <= delays[2] <= 120


def test_bad_subscriptions_are_refused(superuser, samr):
    with pytest.raises(ValidationFailed) as exc:
        subscribe(superuser, samr, "ftp://example.org/x", types=["no.such.event"])
    assert set(exc.value.fields) == {"url", "event_types"}
    assert not Subscription.objects.exists()

"""Every write of the webhooks app: subscriptions, fan-out of events into deliveries, sending, retries, replay.

Sending never holds a transaction open across the network: a sweep leases one due row at a time (pushes its
next_attempt_at ahead, SKIP LOCKED so concurrent workers take different rows), posts it outside any
transaction, then records the outcome in its own short transaction.
"""

import datetime as dt
import json
import logging
import random
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import Event
from yiwang.core.permissions import restrict

from . import signing
from .models import Delivery, EventType, Subscription

log = logging.getLogger(__name__)

# Who may replay a department system's deliveries: its department's administrator (the organ's own admin role,
# as for 审批结果推送 subscriptions); a superuser passes restrict() everywhere.
REPLAY_ACTION = "approve"


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("WEBHOOK_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: base × 2^(n-1), capped, with up to 20% jitter off."""
    base = _setting("WEBHOOK_BACKOFF_SECONDS", 30)
    cap = _setting("WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600)
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=delay * random.uniform(0.8, 1.0))


def _clean(*, url: str, event_types) -> list[str]:
    errors = {}
    if urlsplit(url or "").scheme not in {"http", "https"} or not urlsplit(url).netloc:
        errors["url"] = [_("推送地址必须是 http 或 https 地址")]
    known = set(EventType.values)
    types = list(dict.fromkeys(event_types or []))
    if not types or any(t not in known for t in types):
        errors["event_types"] = [_("请至少选择一种可订阅的事件")]
    if errors:
        raise ValidationFailed(fields=errors)
    return types


@transaction.atomic
def subscription_create(
    *, actor, system_name: str, department, url: str, event_types, active: bool = True
) -> tuple[Subscription, str]:
    """Register a department system's endpoint; returns the subscription and its secret, shown this once."""
    types = _clean(url=url, event_types=event_types)
    secret = signing.new_secret()
    sub = Subscription.objects.create(
        system_name=system_name,
        department=department,
        url=url,
        event_types=types,
        active=active,
        secret_encrypted=signing.seal_secret(secret),
    )
    audit_record(
        actor=actor, action="webhook.subscribe", target=sub, data={"url": url, "event_types": types, "active": active}
    )
    return sub, secret


@transaction.atomic
def subscription_update(
    *, actor, subscription: Subscription, system_name: str, url: str, event_types, active: bool
) -> Subscription:
    types = _clean(url=url, event_types=event_types)
    sub = Subscription.objects.select_for_update().get(pk=subscription.pk)
    sub.system_name, sub.url, sub.event_types, sub.active = system_name, url, types, active
    sub.save()
    audit_record(
        actor=actor, action="webhook.update", target=sub, data={"url": url, "event_types": types, "active": active}
    )
    return sub


@transaction.atomic
def subscription_rotate_secret(*, actor, subscription: Subscription) -> str:
    """A new secret replaces the old at once; the receiver must switch to the returned value."""
    secret = signing.new_secret()
    Subscription.objects.filter(pk=subscription.pk).update(secret_encrypted=signing.seal_secret(secret))
    audit_record(actor=actor, action="webhook.rotate_secret", target=subscription)
    return secret


def deliveries_queue(*, event: Event) -> int:
    """Queue one delivery per active subscription wanting this event; a second call adds nothing."""
    wanted = [s for s in Subscription.objects.filter(active=True) if s.wants(event.type)]
    now = timezone.now()
    rows = [Delivery(event=event, subscription=s, next_attempt_at=now) for s in wanted]
    before = Delivery.objects.filter(event=event).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    added = Delivery.objects.filter(event=event).count() - before
    if added:
        from .tasks import delivery_sweep as sweep_task

        # Send now rather than at the next periodic sweep; the periodic sweep remains for retries.
        transaction.on_commit(sweep_task.enqueue)
    return added


def body_for(event: Event) -> bytes:
    document = {"id": str(event.pk), "type": event.type, "created_at": event.created_at, "data": event.payload}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed delivery: following it would post the signed body somewhere not registered."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once; (status code or None, error text or "")."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    timeout = _setting("WEBHOOK_TIMEOUT_SECONDS", 5)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def delivery_send(delivery: Delivery, *, now: dt.datetime) -> bool:
    """Sign and post one delivery (no database writes); True when the receiver answered 2xx."""
    body = body_for(delivery.event)
    timestamp = int(now.timestamp())
    secret = signing.open_secret(delivery.subscription.secret_encrypted)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "yiwang-webhooks/1",
        "X-Yiwang-Event-Id": str(delivery.event_id),
        "X-Yiwang-Event-Type": delivery.event.type,
        "X-Yiwang-Timestamp": str(timestamp),
        "X-Yiwang-Signature": signing.sign(secret, timestamp, body),
    }
    code, error = _post(delivery.subscription.url, body, headers)
    ok = code is not None and 200 <= code < 300
    _record_attempt(delivery.pk, now=now, ok=ok, code=code, error=error)
    return ok


@transaction.atomic
def _record_attempt(pk: int, *, now: dt.datetime, ok: bool, code: int | None, error: str) -> None:
    delivery = Delivery.objects.select_for_update().get(pk=pk)
    if delivery.status != Delivery.Status.PENDING:
        return  # replayed or settled meanwhile; this attempt's result no longer decides anything
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.last_status_code, delivery.last_error = now, code, error
    if ok:
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
    elif delivery.attempts >= max_attempts():
        delivery.status = Delivery.Status.DEAD
        log.warning("webhook delivery %s is dead after %s attempts: %s", pk, delivery.attempts, error)
        audit_record(
            actor=None,
            action="webhook.dead",
            target=delivery,
            data={"event": str(delivery.event_id), "attempts": delivery.attempts, "error": error},
        )
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()


def _lease_next(now: dt.datetime) -> Delivery | None:
    """Take the most overdue row for one send, or None; SKIP LOCKED so a concurrent sweep takes another row.

    One row at a time, its lease counted from the clock at the moment it is taken: a lease taken for a
    whole batch at the sweep's start runs out while a slow receiver is still working through the batch,
    and another worker would then post the rows not yet sent a second time.
    """
    lease = dt.timedelta(seconds=_setting("WEBHOOK_TIMEOUT_SECONDS", 5) * 2 + 60)
    with transaction.atomic():
        pk = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        Delivery.objects.filter(pk=pk).update(next_attempt_at=max(now, timezone.now()) + lease)
    return Delivery.objects.select_related("event", "subscription").get(pk=pk)


def delivery_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The worker's periodic job: send every due delivery once, up to `limit`; failures are rescheduled or die."""
    now = now or timezone.now()
    sent = failed = 0
    for _turn in range(limit):
        delivery = _lease_next(now)
        if delivery is None:
            break
        if delivery_send(delivery, now=now):
            sent += 1
        else:
            failed += 1
    return {"delivered": sent, "failed": failed}


@transaction.atomic
def delivery_replay(*, actor, delivery: Delivery) -> Delivery:
    """Queue a delivery again (a dead letter, or one a receiver lost) with a fresh set of attempts.

    actor=None is the system; staff must be able to see the delivery, and only its department's administrator
    may replay it."""
    if actor is not None:
        this = Delivery.objects.filter(pk=delivery.pk)
        if not restrict(this, actor, "view").exists():
            raise NotFound()
        if not restrict(this, actor, REPLAY_ACTION).exists():
            raise PermissionDenied(_("只有本部门管理员可以重新推送"))
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == Delivery.Status.PENDING:
        raise InvalidTransition(_("该推送尚在排队，无需重推"))
    previous = locked.status
    locked.status, locked.attempts, locked.next_attempt_at = Delivery.Status.PENDING, 0, timezone.now()
    locked.delivered_at = None
    locked.save()
    audit_record(
        actor=actor, action="webhook.replay", target=locked, data={"event": str(locked.event_id), "was": previous}
    )
    return locked

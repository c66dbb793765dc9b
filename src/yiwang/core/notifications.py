"""Notifications: an in-app message always, and copies through pluggable senders (SMS, e-mail).

The default sender (yiwang.accounts.senders.log_sender) writes to the log; a deployment names its own in
settings.NOTIFICATION_SENDERS (dotted paths to callables taking the notification). Senders run after commit,
so a rolled-back change never texts anybody.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification
from .writebehind import defer_insert

log = logging.getLogger("yiwang.notifications")


def notify(*, user, title: str, body: str = "", url: str = "") -> Notification | None:
    if user is None:
        return None
    notification = Notification(user=user, title=title, body=body, url=url)
    defer_insert(notification)
    senders = [import_string(path) for path in getattr(settings, "NOTIFICATION_SENDERS", [])]

    def send():
        for sender in senders:
            try:
                sender(notification)
            except Exception:  # a failing SMS gateway must not undo the case; the in-app copy stays
                log.exception("notification sender %r failed", sender)

    transaction.on_commit(send)
    return notification


def notifications_mark_read(*, actor, ids: list[int]) -> int:
    """Mark the actor's own notifications read; nothing audited, since reading one's messages changes no case."""
    return Notification.objects.filter(user=actor, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def notifications_for(*, actor, limit: int):
    return Notification.objects.filter(user=actor).order_by("-created_at")[:limit]

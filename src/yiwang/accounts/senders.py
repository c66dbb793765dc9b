"""Notification senders (settings.NOTIFICATION_SENDERS): they read the user's contact details, which are this
app's, so they live here rather than in core.notifications."""

import logging

from .identifiers import mask_phone

log = logging.getLogger("yiwang.notifications")


def log_sender(notification) -> None:
    """The default: a line in the log, the phone number masked."""
    log.info("通知 %s（%s）：%s", notification.user, mask_phone(notification.user.phone), notification.title)

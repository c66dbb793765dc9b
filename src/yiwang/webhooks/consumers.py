"""Event consumers of this app, registered with yiwang.core.events.consumer."""

from yiwang.core.events import consumer

from . import services
from .models import EventType


def queue_deliveries(event):
    services.deliveries_queue(event=event)


for _type in EventType.values:
    consumer(_type, name="webhooks.queue")(queue_deliveries)

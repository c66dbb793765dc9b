"""Reads of the webhooks app a staff member can reach: their own department's subscriptions and deliveries."""

from dataclasses import dataclass

from django.db.models import Count, Q

from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict, staff_roles

from .models import Delivery, Subscription
from .services import REPLAY_ACTION

RECENT_DELIVERIES = 100


def _own(actor):
    """The subscriptions of the departments the actor holds a role in (a superuser: all).

    restrict() alone would give a window clerk the whole region; a department's systems are its own business."""
    rows = restrict(Subscription.objects.all(), actor, "view")
    if actor.is_superuser:
        return rows
    return rows.filter(department__in={role.department_id for role in staff_roles(actor)})


def subscriptions(actor):
    dead = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.DEAD))
    return (
        _own(actor).select_related("department__region").annotate(dead_count=dead).order_by("department", "system_name")
    )


def deliveries(actor):
    return restrict(Delivery.objects.filter(subscription__in=_own(actor)), actor, "view")


@dataclass(frozen=True)
class DeliveryLog:
    subscriptions: list[Subscription]
    deliveries: list[Delivery]
    # Subscriptions whose deliveries the actor may replay (services.delivery_replay's rule).
    replayable: frozenset[int]


def delivery_log(actor, *, status: str = "") -> DeliveryLog:
    """The actor's departments' subscriptions and their most recent deliveries, newest first."""
    rows = deliveries(actor)
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    recent = rows.select_related("event", "subscription").order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
    replayable = restrict(_own(actor), actor, REPLAY_ACTION).values_list("pk", flat=True)
    return DeliveryLog(list(subscriptions(actor)), list(recent), frozenset(replayable))


def delivery(actor, pk: int) -> Delivery:
    found = deliveries(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found

"""Reads of dual notification and decision notices, each restricted to what the actor may see."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yiwang.accounts.models import Entity
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import NotFound
from yiwang.core.permissions import get_restricted, restrict, staff_roles
from yiwang.org.models import Department

from .models import ClaimNotice, DecisionNotice, DualNotification, Subscription

# The department's list shows an entity claimed this many days ago that still holds no valid permit.
PERMIT_GRACE_DAYS = 30


def claim_notices(actor):
    return restrict(ClaimNotice.objects.all(), actor, "view").select_related("entity", "department__region", "item")


def claim_notice(actor, pk: int) -> ClaimNotice:
    return get_restricted(ClaimNotice.objects.select_related("entity", "department", "item"), actor, "view", pk=pk)


def lacking_permit(actor, *, today: dt.date | None = None):
    """Claimed at least PERMIT_GRACE_DAYS ago and still without a valid licence of the item's result type."""
    from yiwang.licences.models import Licence

    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=PERMIT_GRACE_DAYS)
    permit = Licence.objects.filter(
        holder_entity=OuterRef("entity"),
        licence_type=OuterRef("item__current_version__result_licence_type"),
        status="valid",
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return (
        claim_notices(actor)
        .filter(claimed_at__isnull=False, claimed_at__date__lte=cutoff)
        .filter(~Exists(permit))
        .order_by("claimed_at")
    )


def told(actor, licence_number: str) -> DualNotification:
    """What a licence's holder was told; only the entity's agents see it."""
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    found = DualNotification.objects.filter(
        licence_number=licence_number, entity__in=Entity.objects.acting_for(actor)
    ).first()
    if found is None:
        raise NotFound()
    return found


def decision_notices(actor):
    return restrict(DecisionNotice.objects.all(), actor, "view").select_related(
        "case__item", "case__applicant_entity", "case__applicant_person", "department"
    )


def subscriptions(actor):
    return restrict(Subscription.objects.all(), actor, "view").select_related("department", "item")


def subscription(actor, pk: int) -> Subscription:
    return get_restricted(Subscription.objects.all(), actor, "view", pk=pk)


def headed_departments(actor):
    """Departments whose subscriptions the actor manages (their administrator)."""
    return restrict(Department.objects.filter(pk__in=[r.department_id for r in staff_roles(actor)]), actor, "approve")


def headed_department(actor, pk: str) -> Department | None:
    return headed_departments(actor).filter(pk=int(pk) if pk.isdigit() else 0).first()


def item_by_code(code: str) -> ServiceItem | None:
    """The catalog item a department subscribes to: any item, published or not, is public knowledge."""
    return ServiceItem.objects.filter(code=code.strip()).first()

"""Reads of credit a user can reach, each filtered by what the actor may see."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from yiwang.accounts.models import Entity
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict

from .models import Checkpoint, CreditRecord, CreditRule, Effect, ListKind
from .services import credit_evaluate


def visible_records(actor):
    return restrict(CreditRecord.objects.all(), actor, "view").select_related("entity", "department__region")


def entities_on_record(actor, *, query: str = ""):
    """Entities with a record the actor may see, with how many are in force today, for the staff list."""
    today = timezone.localdate()
    records = visible_records(actor)
    entities = Entity.objects.filter(pk__in=records.values("entity"))
    if query.strip():
        entities = entities.filter(Q(name__contains=query.strip()) | Q(uscc__iexact=query.strip()))
    in_force = Q(
        credit_records__in=records.active_on(today).values("pk"),
    )
    return entities.annotate(active_count=Count("credit_records", filter=in_force)).order_by("name")


def entity_records(actor, uscc: str) -> tuple[Entity, list[CreditRecord]]:
    """One entity's records the actor may see; none visible is the same 404 as an unknown entity."""
    records = list(visible_records(actor).filter(entity__uscc=uscc).order_by("-starts_on", "-pk"))
    if not records:
        raise NotFound()
    return records[0].entity, records


def visible_record(actor, pk: int) -> CreditRecord:
    found = visible_records(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def green_channel(entity, on: dt.date | None = None) -> bool:
    """Whether a red-listed entity's visit goes to the priority lane (绿色通道), by any active fast_track rule."""
    if entity is None:
        return False
    on = on or timezone.localdate()
    if not CreditRecord.objects.active_on(on).filter(entity=entity, list_kind=ListKind.RED).exists():
        return False
    return CreditRule.objects.filter(active=True, list_kind=ListKind.RED, effect=Effect.FAST_TRACK).exists()


def tolerance_allowed(entity, item, on: dt.date | None = None) -> bool:
    """Whether 容缺受理 and 告知承诺 stay open to the applicant for this item: no deny_tolerance rule hits it."""
    hits = acceptance_preview(entity, item, on)
    return not any(h.effect == Effect.DENY_TOLERANCE for h in hits)


def acceptance_preview(entity, item, on: dt.date | None = None):
    """What the rules would say at acceptance, for the clerk before the case exists (the intake page)."""
    return credit_evaluate(entity, item, Checkpoint.ACCEPTANCE, on or timezone.localdate())

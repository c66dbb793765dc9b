"""Reads of credit a user can reach, each filtered by what the actor may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from yiwang.accounts.models import Entity
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict

from .models import Checkpoint, CreditRecord, CreditRule, Effect, ListKind
from .services import Hit, credit_evaluate


def visible_records(actor):
    return restrict(CreditRecord.objects.all(), actor, "view").select_related("entity", "department__region")


def public_records(*, query: str = "", list_kind: str = "", on: dt.date | None = None):
    """The lists as the public searches them: records in force on the day (a repaired or ended one is no longer
    published), by part of the entity's name or its whole USCC. Lists hold entities only, and the public sees what
    the entity register already publishes of them: name and USCC."""
    records = CreditRecord.objects.active_on(on or timezone.localdate()).select_related("entity", "department__region")
    if list_kind in ListKind.values:
        records = records.filter(list_kind=list_kind)
    query = query.strip()
    if query:
        records = records.filter(Q(entity__name__contains=query) | Q(entity__uscc=query.upper()))
    return records.order_by("-starts_on", "-pk")


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
    return acceptance_outlook(entity, item, on).tolerance_allowed


def acceptance_outlook(entity, item, on: dt.date | None = None) -> "AcceptanceCheck":
    """Everything the rules say about an applicant (None for a person) for an item before the case exists: the
    hits, the green channel, and from them whether the item is blocked and whether 容缺/告知承诺 stay open."""
    return AcceptanceCheck(entity, item, acceptance_preview(entity, item, on), green_channel(entity, on))


def acceptance_preview(entity, item, on: dt.date | None = None):
    """What the rules would say at acceptance, for the clerk before the case exists (the intake page)."""
    return credit_evaluate(entity, item, Checkpoint.ACCEPTANCE, on or timezone.localdate())


@dataclass(frozen=True)
class RuleInForce:
    rule: CreditRule
    # What the measure covers, in words: the item names and item kinds; empty when it covers every item.
    applies_to: list[str]


@dataclass(frozen=True)
class OwnCredit:
    """One entity's credit as the entity itself sees it: every record on file and the measures now applied."""

    entity: Entity
    in_force: list[CreditRecord]
    past: list[CreditRecord]
    rules: list[RuleInForce]
    green: bool


def _applies_to(rule: CreditRule) -> list[str]:
    kinds = dict(ServiceItem.Kind.choices)
    return [item.name for item in rule.items.all()] + [str(kinds.get(kind, kind)) for kind in rule.item_kinds]


def entities_acted_for(actor):
    if actor is None or not actor.is_authenticated:
        return Entity.objects.none()
    return Entity.objects.acting_for(actor).order_by("name")


def own_credit(actor, on: dt.date | None = None) -> list[OwnCredit]:
    """The credit of each entity the actor acts for; an entity's own records are all its to read."""
    on = on or timezone.localdate()
    found = []
    for entity in entities_acted_for(actor):
        records = list(entity.credit_records.select_related("department__region").order_by("-starts_on", "-pk"))
        current = set(entity.credit_records.active_on(on).values_list("pk", flat=True))
        in_force = [r for r in records if r.pk in current]
        kinds = {r.list_kind for r in in_force}
        measures = CreditRule.objects.filter(active=True, list_kind__in=kinds).prefetch_related("items")
        rules = [RuleInForce(rule, _applies_to(rule)) for rule in measures]
        found.append(
            OwnCredit(entity, in_force, [r for r in records if r.pk not in current], rules, green_channel(entity, on))
        )
    return found


@dataclass(frozen=True)
class AcceptanceCheck:
    entity: Entity
    item: ServiceItem
    hits: list[Hit]
    green: bool

    @property
    def blocked(self) -> bool:
        return any(h.effect == Effect.BLOCK for h in self.hits)

    @property
    def tolerance_allowed(self) -> bool:
        return not any(h.effect == Effect.DENY_TOLERANCE for h in self.hits)


def acceptance_check(actor, *, uscc: str, item_code: str) -> AcceptanceCheck:
    """What the rules say about an applicant for an item at acceptance, for staff only; others get NotFound.

    Not limited to the actor's region: a window accepts applicants from anywhere (一处失信、处处受限)."""
    if actor is None or not actor.holds_staff_role:
        raise NotFound()
    entity = Entity.objects.filter(uscc=uscc).first()
    item = ServiceItem.objects.filter(code=item_code).first()
    if entity is None or item is None:
        raise NotFound()
    return acceptance_outlook(entity, item)

"""Reads of one's own account: the entities one acts for and, for a legal representative, their agents."""

from django.utils import timezone

from yiwang.core.compiled import DATE_SENTINEL, DEFAULT_SENTINEL, CompiledQuery
from yiwang.core.errors import NotFound

from .models import Entity, EntityAgent
from .services import is_legal_representative


def my_entities(user) -> list[dict]:
    """The entities the user may act for today, each with whether the user is its legal representative."""
    grants = EntityAgent.objects.in_force().filter(user=user).select_related("entity").order_by("entity__name")
    return [
        {"entity": g.entity, "grant": g, "is_legal_representative": is_legal_representative(user, g.entity)}
        for g in grants
    ]


# Every submission for an entity names it by its code: compiled once per process (core.compiled).
_ACTED_FOR_BY_USCC = CompiledQuery(
    lambda uscc, user_id, day: Entity.objects.filter(uscc=uscc, pk__in=EntityAgent.objects.granted_to(user_id, on=day)),
    sentinel=("~", DEFAULT_SENTINEL, DATE_SENTINEL),
)


def entity_acted_for(user, uscc: str) -> Entity | None:
    """The entity with this unified social credit code, if the user may act for it today."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = _ACTED_FOR_BY_USCC.all(uscc, user.pk, timezone.localdate())
    return found[0] if found else None


def managed_entity(user, entity_id: int) -> tuple[Entity, list[dict]]:
    """An entity the user is the legal representative of, with every grant made for it (past ones too)."""
    entity = Entity.objects.acting_for(user).filter(pk=entity_id).first()
    if entity is None or not is_legal_representative(user, entity):
        raise NotFound()
    today = timezone.localdate()
    grants = entity.agent_grants.exclude(user=user).select_related("user", "granted_by").order_by("-granted_at")
    return entity, [{"grant": g, "in_force": g.in_force_on(today)} for g in grants]

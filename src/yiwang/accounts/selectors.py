"""Reads of one's own account: the entities one acts for and, for a legal representative, their agents."""

from django.utils import timezone

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


def managed_entity(user, entity_id: int) -> tuple[Entity, list[dict]]:
    """An entity the user is the legal representative of, with every grant made for it (past ones too)."""
    entity = Entity.objects.acting_for(user).filter(pk=entity_id).first()
    if entity is None or not is_legal_representative(user, entity):
        raise NotFound()
    today = timezone.localdate()
    grants = entity.agent_grants.exclude(user=user).select_related("user", "granted_by").order_by("-granted_at")
    return entity, [{"grant": g, "in_force": g.in_force_on(today)} for g in grants]

"""The four stores as reads. Approvals, credit and licences are read from their own tables (no copy to drift
out of date); the entity register is accounts.Entity.

Staff reads go through restrict(); the sharing API reads for a client, whose scope (stores and fields) the
API applies, so those readers take an entity, not an actor. The subject page reads the access log of the
signed-in person's own identity number and of the entities they act for.
"""

from django.db.models import Q

from yiwang.accounts.models import Entity
from yiwang.cases.models import Case
from yiwang.core.permissions import restrict
from yiwang.credit.models import CreditRecord
from yiwang.licences.models import Licence

from .models import AccessLog

STORE_LIMIT = 200


def approval_store(*, actor):
    """Every decision (granted or denied, delivered or not) the actor may see."""
    return restrict(Case.objects.filter(granted__isnull=False), actor).order_by("-decided_at")


def entity_by_uscc(uscc: str) -> Entity | None:
    return Entity.objects.select_related("region").filter(uscc=uscc).first()


def entity_approvals(entity: Entity):
    """Decisions on the entity's applications, and the registration that founded it (applied for by a person)."""
    return (
        Case.objects.filter(Q(applicant_entity=entity) | Q(register_change__entity=entity), granted__isnull=False)
        .select_related("item", "department")
        .order_by("-decided_at")[:STORE_LIMIT]
    )


def entity_licences(entity: Entity):
    return (
        Licence.objects.filter(holder_entity=entity)
        .select_related("licence_type", "department")
        .order_by("-issued_on", "-pk")[:STORE_LIMIT]
    )


def entity_credit(entity: Entity):
    return CreditRecord.objects.filter(entity=entity).select_related("department")[:STORE_LIMIT]


def subjects_of(user) -> list[str]:
    """Whose data the user may see reads of: their own identity number and the USCC of each entity they act for."""
    if user is None or not user.is_authenticated:
        return []
    subjects = list(Entity.objects.acting_for(user).values_list("uscc", flat=True))
    person = getattr(user, "person", None)
    if person is not None:
        subjects.append(person.id_number)
    return subjects


def reads_of_my_data(*, actor):
    subjects = subjects_of(actor)
    return AccessLog.objects.filter(subject__in=subjects).select_related("client__department").order_by("-at", "-pk")

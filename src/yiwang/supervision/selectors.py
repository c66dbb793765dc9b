"""Reads of penalties, restricted to the departments and regions the actor may see."""

from yiwang.accounts.models import Entity
from yiwang.core.permissions import restrict
from yiwang.licences.models import Licence
from yiwang.org.models import Department

from .models import Penalty


def penalties(actor):
    return restrict(Penalty.objects.all(), actor, "view").select_related("entity", "department", "licence")


def enforcing_departments(actor):
    """Departments the actor may record penalties for (its law-enforcement staff)."""
    return restrict(Department.objects.select_related("region"), actor, "inspect")


def entity_by_uscc(uscc: str) -> Entity | None:
    """The entity a penalty is recorded against; the register of entities is public."""
    return Entity.objects.filter(uscc=uscc.strip().upper()).first()


def licence_by_number(number: str) -> Licence | None:
    """The licence a penalty names, if any; a licence's number and holder are public (its verification page)."""
    return Licence.objects.filter(number=number.strip()).first()

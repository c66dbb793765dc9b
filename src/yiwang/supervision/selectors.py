"""Reads of penalties, restricted to the departments and regions the actor may see."""

from yiwang.core.permissions import restrict
from yiwang.org.models import Department

from .models import Penalty


def penalties(actor):
    return restrict(Penalty.objects.all(), actor, "view").select_related("entity", "department", "licence")


def enforcing_departments(actor):
    """Departments the actor may record penalties for (its law-enforcement staff)."""
    return restrict(Department.objects.select_related("region"), actor, "inspect")

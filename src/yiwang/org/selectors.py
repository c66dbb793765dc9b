"""Reads of the organisation. Public lists (regions, departments) are open; staff lists are restricted."""

from django.db.models import QuerySet

from yiwang.core.compiled import CompiledQuery
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict

from .models import Department, Region, StaffRole

# Read once per actor per request or service call: compiled once per process and database (core.compiled).
_ACTIVE_ROLES = CompiledQuery(
    lambda user_id: StaffRole.objects.filter(user=user_id, active=True).select_related("region", "department")
)


def active_roles(user) -> list[StaffRole]:
    """The user's active staff roles with their regions and departments: what core.permissions decides with."""
    return _ACTIVE_ROLES.all(user.pk)


def region_list(*, parent_code: str | None = None, level: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.select_related("parent")
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if level:
        qs = qs.filter(level=level)
    return qs


def department_list(*, region_code: str | None = None, kind: str | None = None) -> QuerySet[Department]:
    qs = Department.objects.select_related("region")
    if region_code:
        qs = qs.filter(region__code=region_code)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def department_detail(*, code: str) -> Department:
    found = department_list().filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def region_detail(*, code: str) -> Region:
    found = region_list().filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def staff_role_list(*, actor) -> QuerySet[StaffRole]:
    return restrict(StaffRole.objects.select_related("user", "department__region", "region"), actor, "view")

"""Writes to the grid (cells, assignments of 网格员) and the location check other apps call before they write."""

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import allows
from yiwang.org.models import Region

from .geometry import polygon_from_geojson
from .models import GridCell, GridWorker
from .selectors import cell_at, cell_index


def _require_change(actor, obj) -> None:
    """actor=None is the platform itself (a command or a task); anyone else needs `change` over the row."""
    if actor is not None and not allows(actor, "change", obj):
        raise NotFound()


def _refuse_overlap(code: str, polygon) -> None:
    """Cells tile the district: a new or redrawn cell may touch its neighbours, never cover part of one."""
    index = cell_index()
    for at in index.tree.query(polygon, predicate="intersects"):
        other = index.items[at]
        if other.code != code and polygon.intersection(index.tree.geometries[at]).area > 0:
            raise ValidationFailed(
                fields={"polygon": [_("与网格 %(code)s 重叠") % {"code": other.code}]}, subcode="cell_overlap"
            )


@transaction.atomic
def grid_cell_save(*, actor, code: str, name: str, community: Region, polygon: dict) -> GridCell:
    """Create the cell, or redraw and rename it. Every process's point index sees it once this commits."""
    if community.level != Region.Level.COMMUNITY:
        raise ValidationFailed(fields={"community": [_("网格必须属于一个社区")]})
    _require_change(actor, community)
    cell = GridCell.objects.select_for_update().filter(code=code).first() or GridCell(code=code)
    if cell.pk:
        _require_change(actor, cell)
    cell.name, cell.community = name, community
    cell.set_polygon(polygon)
    _refuse_overlap(code, polygon_from_geojson(polygon))
    created = cell.pk is None
    cell.save()
    audit_record(
        actor=actor,
        action="grid.cell_created" if created else "grid.cell_changed",
        target=cell,
        data={"code": code, "name": name, "community": community.code, "polygon": polygon},
    )
    return cell


@transaction.atomic
def grid_worker_assign(*, actor, user, cell: GridCell) -> GridWorker:
    """Put a 网格员 on a cell (again, if they were released); they must hold a grid_worker role reaching it."""
    _require_change(actor, cell)
    if not allows(user, "grid_work", cell):
        raise ValidationFailed(fields={"user": [_("该人员不是本网格所在范围的网格员")]})
    assignment, created = GridWorker.objects.get_or_create(user=user, cell=cell)
    if not created and assignment.active:
        return assignment
    if not created:
        assignment.active = True
        assignment.save(update_fields=["active"])
    audit_record(
        actor=actor, action="grid.worker_assigned", target=assignment, data={"user": user.pk, "cell": cell.code}
    )
    return assignment


@transaction.atomic
def grid_worker_release(*, actor, assignment: GridWorker) -> GridWorker:
    _require_change(actor, assignment)
    if assignment.active:
        assignment.active = False
        assignment.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="grid.worker_released",
            target=assignment,
            data={"user": assignment.user_id, "cell": assignment.cell.code},
        )
    return assignment


def require_in_district(longitude, latitude) -> GridCell:
    """The cell a reported location lies in, or the error a form shows beside its location field: for the
    hotline's work orders and anything else that must happen inside the district's grid."""
    try:
        cell = cell_at(float(longitude), float(latitude))
    except (TypeError, ValueError):
        cell = None
    if cell is None:
        raise ValidationFailed(fields={"location": [_("坐标不在本区范围内")]}, subcode="location_outside")
    return cell

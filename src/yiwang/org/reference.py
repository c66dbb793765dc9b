"""Loads regions, departments, service centres and windows from the project's reference catalog."""

from collections.abc import Iterable

from django.db import transaction

from .models import Department, Region, ServiceCenter, Window

CENTERS = {
    "440100": ("广州市政务服务中心", "广州市天河区天府路1号"),
    "440105": ("海珠区政务服务中心", "广州市海珠区新港中路397号"),
    "440106": ("天河区政务服务中心", "广州市天河区华观路1号"),
    "440105001": ("南洲街道党群服务中心", "广州市海珠区南洲路1号"),
}
HOURS = "周一至周五 9:00—12:00，13:30—17:30（法定节假日除外）"
# General windows first; then the departmental windows a hall keeps for specialist counters.
WINDOW_PLAN = {
    "440105": (6, ["PSB", "PLANNING"]),
    "440106": (4, ["PSB"]),
    "440100": (4, ["HOUSING_FUND"]),
    "440105001": (2, []),
}


@transaction.atomic
def load_organisation(data: dict) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for row in data["regions"]:
        region, _ = Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": row["level"], "parent": regions.get(row.get("parent"))},
        )
        regions[row["code"]] = region
    for kind, spec in data["departments"].items():
        for region in regions.values():
            if region.level in spec["levels"]:
                Department.objects.update_or_create(
                    region=region, kind=kind, defaults={"name": spec["name"], "code": f"{region.code}-{kind}"}
                )
    open_street_offices(r for r in regions.values() if r.level == Region.Level.TOWN)
    for code, (name, address) in CENTERS.items():
        center, _ = ServiceCenter.objects.update_or_create(
            region=regions[code],
            name=name,
            defaults={"address": address, "hours": HOURS, "phone": "12345"},
        )
        general, departmental = WINDOW_PLAN[code]
        for n in range(1, general + 1):
            Window.objects.update_or_create(center=center, number=str(n), defaults={"kind": Window.Kind.GENERAL})
        for offset, kind in enumerate(departmental, start=general + 1):
            dept = (
                Department.objects.filter(kind=kind, region__in=regions[code].ancestors_and_self())
                .order_by("-region__depth")
                .first()
            )
            Window.objects.update_or_create(
                center=center, number=str(offset), defaults={"kind": Window.Kind.DEPARTMENTAL, "department": dept}
            )
    return regions


def open_street_offices(streets: Iterable[Region]) -> int:
    """Each street (a town region) gets its 街道办事处, named after it; the grid's streets are given theirs when the
    grid loads them. Loading again renames in place."""
    count = 0
    for street in streets:
        Department.objects.update_or_create(
            region=street,
            kind=Department.STREET_OFFICE,
            defaults={"name": f"{street.name}办事处", "code": f"{street.code}-{Department.STREET_OFFICE}"},
        )
        count += 1
    return count

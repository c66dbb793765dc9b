"""Export: the published catalog written to one workbook in the layout of .layout."""

from openpyxl import Workbook

from yiwang.core.excel import write_sheet

from ..models import (
    Bundle,
    ItemImplementation,
    LicenceType,
    ServiceItem,
)
from ..services import (
    MATERIAL_FIELDS,
    VERSION_FIELDS,
)
from .layout import (
    BUNDLES,
    IMPLEMENTATIONS,
    ITEM_FIELDS,
    ITEMS,
    LICENCE_TYPES,
    MATERIALS,
    SHEETS,
    _bundle_values,
    _implementation_values,
)


def catalog_export(*, file) -> dict[str, int]:
    """Write the published catalog to `file` (a path or a binary file object); returns rows per sheet."""
    rows = _export_rows()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, columns in SHEETS.items():
        write_sheet(workbook, sheet, columns, rows[sheet])
    workbook.save(file)
    return {sheet: len(sheet_rows) for sheet, sheet_rows in rows.items()}


def _export_rows() -> dict[str, list[dict]]:
    items = list(
        ServiceItem.objects.exclude(current_version=None)
        .select_related("current_version__result_licence_type")
        .prefetch_related("current_version__prerequisites", "current_version__materials__licence_type")
        .order_by("code")
    )
    rows: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
    for item in items:
        version = item.current_version
        rows[ITEMS].append(
            {
                "code": item.code,
                **{f: getattr(item, f) for f in ITEM_FIELDS},
                **{f: getattr(version, f) for f in VERSION_FIELDS},
                "result_licence_type": version.result_licence_type.code if version.result_licence_type else "",
                "prerequisites": sorted(p.code for p in version.prerequisites.all()),
            }
        )
        for m in sorted(version.materials.all(), key=lambda m: m.position):
            rows[MATERIALS].append(
                {
                    "item": item.code,
                    "position": m.position,
                    **{f: getattr(m, f) for f in MATERIAL_FIELDS},
                    "licence_type": m.licence_type.code if m.licence_type else "",
                }
            )
    implementations = (
        ItemImplementation.objects.filter(item__in=items)
        .select_related("item", "department")
        .order_by("item__code", "department__code")
    )
    for impl in implementations:
        rows[IMPLEMENTATIONS].append(
            {
                "item": impl.item.code,
                "department": impl.department.code,
                **_implementation_values(impl),
            }
        )
    for bundle in Bundle.objects.prefetch_related("entries__item").order_by("code"):
        rows[BUNDLES].append(_bundle_values(bundle))
    for lt in LicenceType.objects.order_by("code"):
        rows[LICENCE_TYPES].append({"code": lt.code, "name": lt.name, "validity_years": lt.validity_years})
    return rows

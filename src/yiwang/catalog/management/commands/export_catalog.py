from yiwang.catalog.excel import catalog_export
from yiwang.core.management.excel import ExcelExportCommand


class Command(ExcelExportCommand):
    help = "导出已发布的事项目录到 Excel：yiwang export-catalog [-o FILE.xlsx]（列布局见 docs/catalog-excel.md）"
    default_output = "catalog.xlsx"
    exporter = catalog_export

    def described(self, exported: dict[str, int]) -> str:
        return "，".join(f"{sheet} {n} 行" for sheet, n in exported.items())

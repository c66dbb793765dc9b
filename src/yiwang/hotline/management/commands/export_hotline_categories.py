from yiwang.core.management.excel import ExcelExportCommand
from yiwang.hotline.categories_excel import categories_export


class Command(ExcelExportCommand):
    help = "导出 12345 工单分类到 Excel：yiwang export-hotline-categories [-o FILE.xlsx]"
    default_output = "hotline-categories.xlsx"
    exporter = categories_export

    def described(self, exported: int) -> str:
        return f"{exported} 个分类"

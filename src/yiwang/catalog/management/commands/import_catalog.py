from yiwang.catalog.excel import catalog_import
from yiwang.core.management.excel import ExcelImportCommand


class Command(ExcelImportCommand):
    help = "从 Excel 导入事项目录：yiwang import-catalog FILE.xlsx（先校验全部行，有任何错误则不做任何修改）"
    file_help = "按 docs/catalog-excel.md 列布局填写的 .xlsx 工作簿"
    importer = catalog_import
    # The summary reads "新增事项 n 个，发布新版本 …": a dry run says what it would do.
    dry_run_prefix = "校验通过（未写入）：将"

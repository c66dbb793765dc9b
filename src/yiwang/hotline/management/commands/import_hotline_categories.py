from yiwang.core.management.excel import ExcelImportCommand
from yiwang.hotline.categories_excel import categories_import


class Command(ExcelImportCommand):
    help = "从 Excel 导入 12345 工单分类：yiwang import-hotline-categories FILE.xlsx（先校验全部行，有任何错误则不做任何修改）"
    file_help = "export-hotline-categories 导出并修改后的 .xlsx 工作簿"
    importer = categories_import

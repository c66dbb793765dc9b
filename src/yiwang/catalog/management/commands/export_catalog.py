from pathlib import Path

from django.core.management import BaseCommand

from yiwang.catalog.excel import catalog_export


class Command(BaseCommand):
    help = "导出已发布的事项目录到 Excel：yiwang export-catalog [-o FILE.xlsx]（列布局见 docs/catalog-excel.md）"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="catalog.xlsx", help="输出文件，默认 catalog.xlsx")

    def handle(self, *args, output, **options):
        path = Path(output)
        counts = catalog_export(file=path)
        detail = "，".join(f"{sheet} {n} 行" for sheet, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"已导出到 {path}：{detail}"))

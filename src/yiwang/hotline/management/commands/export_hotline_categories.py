from pathlib import Path

from django.core.management import BaseCommand

from yiwang.hotline.categories_excel import categories_export


class Command(BaseCommand):
    help = "导出 12345 工单分类到 Excel：yiwang export-hotline-categories [-o FILE.xlsx]"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="hotline-categories.xlsx", help="输出文件")

    def handle(self, *args, output, **options):
        path = Path(output)
        count = categories_export(file=path)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {path}：{count} 个分类"))

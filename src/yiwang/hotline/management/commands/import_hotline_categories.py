from pathlib import Path

from django.core.management import BaseCommand, CommandError

from yiwang.hotline.categories_excel import CategoryImportFailed, categories_import


class Command(BaseCommand):
    help = "从 Excel 导入 12345 工单分类：yiwang import-hotline-categories FILE.xlsx（先校验全部行，有任何错误则不做任何修改）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="export-hotline-categories 导出并修改后的 .xlsx 工作簿")
        parser.add_argument("--dry-run", action="store_true", help="只校验、报告，不写入")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            # The operator at the console acts as the system (actor=None); the audit entries say so.
            with path.open("rb") as stream:
                summary = categories_import(actor=None, file=stream, dry_run=dry_run)
        except CategoryImportFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(exc.message) from None
        prefix = "校验通过（未写入）：" if dry_run else "导入完成："
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary}"))

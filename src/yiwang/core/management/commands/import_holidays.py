from pathlib import Path

from django.core.management import BaseCommand, CommandError

from yiwang.core.errors import ValidationFailed
from yiwang.core.holidays import holiday_schedule_import


class Command(BaseCommand):
    help = (
        "导入某年节假日安排：yiwang import_holidays FILE.yaml（格式见 yiwang.core.holidays；有任何错误则不做任何修改）"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="按国务院办公厅当年通知填写的 YAML 文件")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError("文件应为 UTF-8 编码的文本") from None
        try:
            # The operator at the console acts as the system (actor=None); the audit entry says so.
            entered = holiday_schedule_import(actor=None, text=text)
        except ValidationFailed as exc:
            for problem in exc.fields.get("file", []):
                self.stderr.write(problem)
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"已导入 {entered.year} 年节假日安排（{entered.source}）"))

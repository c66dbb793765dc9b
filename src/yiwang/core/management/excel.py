"""The console's side of reference data in Excel (yiwang import-catalog / export-catalog, import-hotline-categories /
export-hotline-categories): one way to take the file, refuse it listing every problem, and say what was done.

A command names its service and its words; the service does the work (core.excel reads and writes the sheets)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError

from ..excel import ImportFailed


class ExcelImportCommand(BaseCommand):
    """`yiwang import-… FILE.xlsx [--dry-run]`: every row checked first, all written or nothing. A subclass sets
    `help`, `file_help` and `importer`, a service called as importer(actor=, file=, dry_run=) that returns a summary
    (its str says what was or would be written) or raises ImportFailed."""

    file_help = ""
    importer: Callable[..., Any]
    # Before the summary of a dry run, whose wording may want a word more ("将新增…").
    dry_run_prefix = "校验通过（未写入）："

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--dry-run", action="store_true", help="只校验、报告，不写入")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            # The operator at the console acts as the system (actor=None); the audit entries say so.
            with path.open("rb") as stream:
                # From the class: a function set on it is not bound to the command.
                summary = type(self).importer(actor=None, file=stream, dry_run=dry_run)
        except ImportFailed as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(exc.message) from None
        prefix = self.dry_run_prefix if dry_run else "导入完成："
        self.stdout.write(self.style.SUCCESS(f"{prefix}{summary}"))


class ExcelExportCommand(BaseCommand):
    """`yiwang export-… [-o FILE.xlsx]`. A subclass sets `help`, `default_output`, `exporter` (a function called
    as exporter(file=path)) and `described`, which says in words what the exporter returned."""

    default_output = ""
    exporter: Callable[..., Any]

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default=self.default_output, help=f"输出文件，默认 {self.default_output}")

    def described(self, exported) -> str:
        raise NotImplementedError

    def handle(self, *args, output, **options):
        path = Path(output)
        exported = type(self).exporter(file=path)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {path}：{self.described(exported)}"))

"""The one console command shape of every Excel import and export (core.management.excel): the file taken, a
refused file's every problem listed, a dry run told apart; then the catalog's and the 12345 categories' commands
built on it, each checked to write nothing on a dry run and to refuse a missing file the same way."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from yiwang.catalog.management.commands import export_catalog, import_catalog
from yiwang.catalog.models import ItemVersion
from yiwang.core.excel import ImportFailed, Issue
from yiwang.core.management.excel import ExcelExportCommand, ExcelImportCommand
from yiwang.hotline.management.commands import export_hotline_categories, import_hotline_categories
from yiwang.hotline.models import Category

calls = []


def _importer(*, actor, file, dry_run):
    content = file.read()
    calls.append((actor, content, dry_run))
    if content == b"bad":
        raise ImportFailed([Issue("表", 3, "名称", "不能为空"), Issue("表", None, "", "缺少工作表")])
    return "新增 1 个"


def _exporter(*, file):
    file.write_bytes(b"xlsx")
    return 2


class Import(ExcelImportCommand):
    help = "测试导入"
    importer = _importer


class Export(ExcelExportCommand):
    help = "测试导出"
    default_output = "things.xlsx"
    exporter = _exporter

    def described(self, exported):
        return f"{exported} 条"


def _run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _fresh():
    calls.clear()


def test_an_import_reads_the_file_as_the_system_and_says_what_it_did(tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(b"good")
    out, _err = _run(Import(), str(path))
    assert out.strip() == "导入完成：新增 1 个" and calls == [(None, b"good", False)]
    out, _err = _run(Import(), str(path), "--dry-run")
    assert out.strip() == "校验通过（未写入）：新增 1 个" and calls[-1] == (None, b"good", True)


def test_a_refused_file_lists_every_problem_and_a_missing_one_is_named(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"bad")
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 2 处错误"):
        call_command(Import(), str(path), stderr=err)
    assert err.getvalue().splitlines() == ["表!R3 列「名称」：不能为空", "表：缺少工作表"]
    with pytest.raises(CommandError, match="文件不存在"):
        call_command(Import(), str(tmp_path / "none.xlsx"))
    assert [content for _actor, content, _dry in calls] == [b"bad"]


def test_an_export_writes_where_told_or_to_its_default(tmp_path, monkeypatch):
    out, _err = _run(Export(), "-o", str(tmp_path / "x.xlsx"))
    assert out.strip() == f"已导出到 {tmp_path / 'x.xlsx'}：2 条" and (tmp_path / "x.xlsx").read_bytes() == b"xlsx"
    monkeypatch.chdir(tmp_path)
    out, _err = _run(Export())
    assert out.strip() == "已导出到 things.xlsx：2 条" and (tmp_path / "things.xlsx").exists()


def _edit(path, key: str, change) -> None:
    """Column `key` of the first row of the first sheet changed, so importing the file would write."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    column = next(cell.column for cell in sheet[1] if str(cell.value).endswith(f" {key}"))
    cell = sheet.cell(row=2, column=column)
    cell.value = change(cell.value)
    workbook.save(path)


@pytest.mark.parametrize(
    ("export", "import_", "edit", "rows"),
    [
        # A new time limit publishes a new version of the item.
        (export_catalog, import_catalog, ("promised_days", lambda days: days + 1), ItemVersion.objects.count),
        (
            export_hotline_categories,
            import_hotline_categories,
            ("name", lambda name: f"{name}（改）"),
            lambda: list(Category.objects.values("code", "name")),
        ),
    ],
    ids=["catalog", "hotline-categories"],
)
def test_the_commands_built_on_it(db, tmp_path, export, import_, edit, rows):
    path = tmp_path / "out.xlsx"
    out, _err = _run(export.Command(), "-o", str(path))
    assert out.startswith(f"已导出到 {path}：")
    _edit(path, *edit)
    before = rows()
    out, _err = _run(import_.Command(), str(path), "--dry-run")
    assert out.startswith("校验通过（未写入）：") and rows() == before
    out, _err = _run(import_.Command(), str(path))
    assert out.startswith("导入完成：") and rows() != before
    with pytest.raises(CommandError, match="文件不存在"):
        call_command(import_.Command(), str(tmp_path / "none.xlsx"))

"""Reference data as Excel sheets, read and written the one way the platform does it (the catalog's workbook, the
12345 category tree).

A heading reads "中文名 key": people read the Chinese, import matches on the key (or, failing that, the whole heading
as the Chinese name), so a reworded heading or a reordered sheet still imports. Each column has a kind that reads a
cell into a Python value, raising CellError with the reason shown to the user, and writes the value back. Reading
never stops at the first problem: every unreadable cell, unknown or repeated heading and missing column becomes an
Issue, so a refused file lists all its problems at once.
"""

import io
import re
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from .errors import ValidationFailed

YES, NO = "是", "否"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CellError(Exception):
    """A cell that cannot be read as its column's type; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None  # the Excel row number; None for a problem with the file or a whole sheet
    column: str  # the column's Chinese name, "" when the problem is not one column's
    reason: str

    def __str__(self) -> str:
        if not self.sheet:
            return f"文件：{self.reason}"
        if self.row is None:
            return f"{self.sheet}：{self.reason}"
        where = f"{self.sheet}!R{self.row}"
        return f"{where} 列「{self.column}」：{self.reason}" if self.column else f"{where}：{self.reason}"


class ImportFailed(ValidationFailed):
    """The file was refused; `issues` lists every problem found. Nothing was written. Each import names its own
    `code`."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(_("导入失败：共 %(n)d 处错误，未做任何修改") % {"n": len(issues)})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Any

    @property
    def heading(self) -> str:
        return f"{self.label} {self.key}"


# Column kinds: each reads a cell into a Python value (raising CellError) and writes the value back.


class Text:
    def __init__(self, *, required: bool = False):
        self.required = required

    def parse(self, value):
        if isinstance(value, bool):
            raise CellError(_("必须是文字"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise CellError(_("不能为空"))
        return text

    def render(self, value):
        return value or None


class Integer:
    def __init__(self, *, minimum: int = 0, maximum: int | None = None, required: bool = True):
        self.minimum, self.maximum, self.required = minimum, maximum, required

    def parse(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if self.required:
                raise CellError(_("不能为空"))
            return None
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value)
        ):
            number = int(value)
        if number is None or number < self.minimum or (self.maximum is not None and number > self.maximum):
            if self.maximum is None:
                raise CellError(_("必须是 %(min)d 以上的整数") % {"min": self.minimum})
            raise CellError(_("必须是 %(min)d 到 %(max)d 之间的整数") % {"min": self.minimum, "max": self.maximum})
        return number

    def render(self, value):
        return value


class Boolean:
    TRUE = {YES, "true", "1", "y", "yes", "必需", "必须"}
    FALSE = {NO, "false", "0", "n", "no"}

    def __init__(self, *, blank_means: bool | None = None):
        # Columns added after files were already in circulation read an empty cell as their default.
        self.blank_means = blank_means

    def parse(self, value):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if not text and self.blank_means is not None:
            return self.blank_means
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(_("必须填写“是”或“否”"))

    def render(self, value):
        return YES if value else NO


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # keys whose cells could not be read; later checks skip them

    def ok(self, *keys: str) -> bool:
        return not self.bad.intersection(keys)


class Issues(list):
    """The problems found so far; `add` also marks the row's cell bad, so later checks skip it."""

    def __init__(self, sheets: dict[str, Iterable[Column]]):
        super().__init__()
        self.labels = {sheet: {c.key: c.label for c in columns} for sheet, columns in sheets.items()}

    def add(self, row: Row, key: str, reason: str) -> None:
        row.bad.add(key)
        self.append(Issue(row.sheet, row.number, self.labels.get(row.sheet, {}).get(key, ""), reason))


def read_workbook(
    file,
    sheets: dict[str, tuple[Column, ...]],
    issues: Issues,
    *,
    unknown_heading: str,
    optional: Collection[str] = (),
) -> dict[str, list[Row] | None]:
    """Rows per sheet of `file` (a path or a binary file object); None for a sheet whose layout is wrong, so its
    rows are not checked one by one. `unknown_heading` is the reason given for a heading no column has (it says
    where the layout is described); the columns in `optional`, and those whose kind reads a blank cell as a
    default, may be missing from the sheet."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        issues.append(Issue("", None, "", _("无法读取：不是有效的 Excel 工作簿（.xlsx）")))
        return dict.fromkeys(sheets)
    try:
        return {
            sheet: _read_sheet(workbook, sheet, columns, issues, unknown_heading, optional)
            for sheet, columns in sheets.items()
        }
    finally:
        workbook.close()


def _read_sheet(workbook, sheet, columns, issues: Issues, unknown_heading, optional) -> list[Row] | None:
    if sheet not in workbook.sheetnames:
        issues.append(Issue(sheet, None, "", _("缺少工作表「%(sheet)s」") % {"sheet": sheet}))
        return None
    lines = workbook[sheet].iter_rows(values_only=True)
    header = next(lines, ())
    by_key = {c.key: c for c in columns}
    by_label = {c.label: c for c in columns}
    positions: dict[str, int] = {}
    broken = False
    for index, heading in enumerate(header):
        text = "" if heading is None else str(heading).strip()
        if not text:
            continue
        column = by_key.get(text.rsplit(None, 1)[-1]) or by_label.get(text)
        if column is None:
            issues.append(Issue(sheet, 1, text, unknown_heading))
            broken = True
        elif column.key in positions:
            issues.append(Issue(sheet, 1, column.label, _("列重复")))
            broken = True
        else:
            positions[column.key] = index
    for column in columns:
        may_miss = column.key in optional or getattr(column.kind, "blank_means", None) is not None
        if column.key not in positions and not may_miss:
            issues.append(Issue(sheet, 1, column.label, _("缺少必需的列（表头「%(h)s」）") % {"h": column.heading}))
            broken = True
    if broken:
        return None
    rows = []
    for number, line in enumerate(lines, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in line):
            continue
        row = Row(sheet, number, {})
        for column in columns:
            index = positions.get(column.key, len(line))
            try:
                row.values[column.key] = column.kind.parse(line[index] if index < len(line) else None)
            except CellError as exc:
                issues.add(row, column.key, str(exc))
        rows.append(row)
    return rows


def model_issues(issues: Issues, row: Row, instance, *, exclude: Iterable[str], fields: dict[str, str]) -> None:
    """Field rules the model states (lengths, ranges), reported on the row's cells; `fields` maps field → key."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = fields.get(name)
            if key and row.ok(key):
                issues.add(row, key, "；".join(messages))


def write_sheet(workbook, sheet: str, columns: tuple[Column, ...], rows: Iterable[dict]) -> None:
    """A new sheet: bold headings, then one line per row, each value written by its column's kind."""
    ws = workbook.create_sheet(sheet)
    bold = Font(bold=True)
    for c, column in enumerate(columns, start=1):
        ws.cell(row=1, column=c, value=column.heading).font = bold
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = max(12, len(column.heading) + 6)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=c, value=column.kind.render(row[column.key]))
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text, never runs in Excel
    ws.freeze_panes = "A2"


def tables_workbook(tables: Iterable[tuple[str, list[str], Iterable[list]]]) -> bytes:
    """A report's tables (title, headings, rows) as a workbook, a sheet each: bold frozen headings, columns as wide
    as their heading, and text that looks like a formula kept text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, headings, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headings))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for column, heading in enumerate(headings, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = max(
                10, len(heading) * 2 + 4
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

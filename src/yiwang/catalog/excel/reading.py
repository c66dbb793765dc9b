"""Reading a workbook: every sheet's rows parsed by their columns' kinds, every unreadable cell an issue."""

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .layout import (
    SHEETS,
    CellError,
    Column,
    Issue,
    _label,
)


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # keys whose cells could not be read; later checks skip them

    def ok(self, *keys: str) -> bool:
        return not self.bad.intersection(keys)


class _Issues(list):
    def add(self, row: Row, key: str, reason: str) -> None:
        row.bad.add(key)
        self.append(Issue(row.sheet, row.number, _label(row.sheet, key) if key else "", reason))


def _read_workbook(file, issues: _Issues) -> dict[str, list[Row] | None]:
    """Rows per sheet; None for a sheet whose layout is wrong, so its rows are not checked one by one."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        issues.append(Issue("", None, "", _("无法读取：不是有效的 Excel 工作簿（.xlsx）")))
        return dict.fromkeys(SHEETS)
    try:
        return {sheet: _read_sheet(workbook, sheet, columns, issues) for sheet, columns in SHEETS.items()}
    finally:
        workbook.close()


def _read_sheet(workbook, sheet: str, columns: tuple[Column, ...], issues: _Issues) -> list[Row] | None:
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
        parts = text.rsplit(None, 1)
        column = by_key.get(parts[-1]) or by_label.get(text)
        if column is None:
            issues.append(Issue(sheet, 1, text, _("无法识别的列；表头应为「中文名 key」，见 docs/catalog-excel.md")))
            broken = True
        elif column.key in positions:
            issues.append(Issue(sheet, 1, column.label, _("列重复")))
            broken = True
        else:
            positions[column.key] = index
    for column in columns:
        if column.key not in positions and getattr(column.kind, "blank_means", None) is None:
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


def _model_issues(issues: _Issues, row: Row, instance, *, exclude: Iterable[str], fields: dict[str, str]) -> None:
    """Field rules the model states (lengths, ranges), reported on the row's cells; `fields` maps field → key."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = fields.get(name)
            if key and row.ok(key):
                issues.add(row, key, "；".join(messages))

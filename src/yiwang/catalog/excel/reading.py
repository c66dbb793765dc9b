"""Reading a workbook: every sheet's rows parsed by their columns' kinds, every unreadable cell an issue."""

from django.utils.translation import gettext as _

from yiwang.core.excel import Issues, Row, read_workbook

from .layout import SHEETS


def _read_workbook(file, issues: Issues) -> dict[str, list[Row] | None]:
    """Rows per sheet; None for a sheet whose layout is wrong, so its rows are not checked one by one."""
    return read_workbook(
        file, SHEETS, issues, unknown_heading=_("无法识别的列；表头应为「中文名 key」，见 docs/catalog-excel.md")
    )

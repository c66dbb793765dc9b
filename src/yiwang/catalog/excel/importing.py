"""Import, all or nothing: read, check every row, and apply only a file without a single problem."""

from django.db import transaction

from yiwang.core.excel import Issue, Issues

from ..services import (
    require_catalog_admin,
)
from .layout import (
    SHEETS,
    CatalogImportFailed,
)
from .plan import ImportSummary, _Plan
from .reading import _read_workbook


def catalog_import(*, actor, file, dry_run: bool = False) -> ImportSummary:
    """Import a workbook (a path or a binary file object). Raises CatalogImportFailed listing every problem."""
    require_catalog_admin(actor)
    issues = Issues(SHEETS)
    sheets = _read_workbook(file, issues)
    plan = _Plan(sheets, issues)
    if issues:
        raise CatalogImportFailed(sorted(issues, key=_issue_order))
    if dry_run:
        return plan.summary()
    with transaction.atomic():
        return plan.apply(actor)


def _issue_order(issue: Issue) -> tuple[int, int, int]:
    """File problems first, then sheet by sheet in workbook order, row by row, column by column."""
    sheets = list(SHEETS)
    labels = [c.label for c in SHEETS.get(issue.sheet, ())]
    return (
        sheets.index(issue.sheet) if issue.sheet in sheets else -1,
        issue.row or 0,
        labels.index(issue.column) if issue.column in labels else -1,
    )

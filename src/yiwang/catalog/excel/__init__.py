"""The catalog as one Excel workbook: export the published catalog, import it back all or nothing.

The column layout is documented in docs/catalog-excel.md. A heading reads "中文名 key": people read the
Chinese, import matches on the key, so a reworded Chinese heading still imports and a reordered sheet too.

Import validates every row of every sheet before writing anything and reports all the problems at once,
each as sheet, row, column and reason. A clean file is applied in one transaction through the catalog
services, so a refusal there (a prerequisite cycle) still leaves the database as it was. An item whose
standard elements, materials and prerequisites equal its current version is left alone: importing an
export of the same database changes nothing.

The package, by what each part knows: .layout the sheets, columns and the catalog's own cell kinds; .export
writing the published catalog; .reading parsing a workbook's cells (both through yiwang.core.excel, which other
apps' sheets share); .plan checking the rows against the database and
applying them; .importing the all-or-nothing import that ties reading and plan together.
"""

from yiwang.core.excel import Column, Issue

from .export import catalog_export
from .importing import catalog_import
from .layout import SHEETS, CatalogImportFailed
from .plan import ImportSummary, _Plan

__all__ = [
    "SHEETS",
    "CatalogImportFailed",
    "Column",
    "ImportSummary",
    "Issue",
    "_Plan",
    "catalog_export",
    "catalog_import",
]

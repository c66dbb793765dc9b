"""The catalog workbook carries an item's own form and its 样表 both ways; a file from before the 样表 column
still imports; an example that does not fit its form is refused, naming the cell."""

import io
import json

import pytest
from openpyxl import load_workbook

from tests.form_fixtures import EXAMPLE, LUCKY_USCC, SCHEMA
from yiwang.catalog.excel import CatalogImportFailed, catalog_export, catalog_import
from yiwang.catalog.models import ItemVersion, ServiceItem


@pytest.fixture(scope="module")
def exported(django_db_blocker) -> bytes:
    with django_db_blocker.unblock():
        buffer = io.BytesIO()
        catalog_export(file=buffer)
    return buffer.getvalue()


def _col(ws, key: str) -> int:
    return next(c.column for c in ws[1] if str(c.value).endswith(f" {key}"))


def _r005(ws) -> int:
    col = _col(ws, "code")
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == "R005")


def _with_form(data: bytes, example: dict) -> bytes:
    book = load_workbook(io.BytesIO(data))
    ws = book["事项"]
    row = _r005(ws)
    ws.cell(row, _col(ws, "form_schema"), json.dumps(SCHEMA, ensure_ascii=False))
    ws.cell(row, _col(ws, "form_example"), json.dumps(example, ensure_ascii=False))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(data: bytes):
    return catalog_import(actor=None, file=io.BytesIO(data))


def test_an_items_own_form_and_example_go_in_and_come_back_out(db, exported):
    summary = _import(_with_form(exported, EXAMPLE))
    assert summary.versions_published == 1
    version = ServiceItem.objects.get(code="R005").current_version
    assert version.form_schema == SCHEMA and version.form_example == EXAMPLE

    again = io.BytesIO()
    catalog_export(file=again)
    ws = load_workbook(io.BytesIO(again.getvalue()))["事项"]
    assert json.loads(ws.cell(_r005(ws), _col(ws, "form_example")).value) == EXAMPLE
    assert _import(again.getvalue()).items_unchanged == 67


def test_a_file_from_before_the_example_column_still_imports(db, exported):
    # A catalog from before 样表 existed: the file without the column reads as no example, i.e. unchanged.
    ItemVersion.objects.update(form_example={})
    book = load_workbook(io.BytesIO(exported))
    ws = book["事项"]
    ws.delete_cols(_col(ws, "form_example"))
    buffer = io.BytesIO()
    book.save(buffer)
    summary = _import(buffer.getvalue())
    assert (summary.versions_published, summary.items_unchanged) == (0, 67)


def test_an_example_that_does_not_fit_its_form_is_refused(db, exported):
    with pytest.raises(CatalogImportFailed) as caught:
        _import(_with_form(exported, {**EXAMPLE, "uscc": LUCKY_USCC}))
    (issue,) = [str(i) for i in caught.value.issues]
    assert "申请表样表" in issue and "统一社会信用代码" in issue

"""Excel import/export of the catalog: the documented layout, round trips, and bad files that change nothing."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from yiwang.catalog import excel
from yiwang.catalog.excel import CatalogImportFailed, catalog_export, catalog_import
from yiwang.catalog.models import (
    Bundle,
    ConstructionStage,
    DualNotificationRule,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    ServiceItem,
    Topic,
)
from yiwang.catalog.services import item_version_draft
from yiwang.core.errors import PermissionDenied
from yiwang.core.models import AuditEntry
from yiwang.licences.models import Licence
from yiwang.workflow.models import ProcessDefinition


@pytest.fixture(scope="module")
def exported(django_db_blocker) -> bytes:
    """The reference catalog exported once; every test starts from these bytes."""
    with django_db_blocker.unblock():
        buffer = io.BytesIO()
        catalog_export(file=buffer)
    return buffer.getvalue()


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _col(ws, key: str) -> int:
    return next(c.column for c in ws[1] if str(c.value).endswith(f" {key}"))


def _row(ws, code: str, key: str = "code") -> int:
    col = _col(ws, key)
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == code)


def _set(book, sheet: str, code: str, key: str, value, *, match: str = "code") -> int:
    ws = book[sheet]
    row = _row(ws, code, match)
    ws.cell(row, _col(ws, key), value)
    return row


def _import(data: bytes, *, actor=None, **kwargs):
    return catalog_import(actor=actor, file=io.BytesIO(data), **kwargs)


def _snapshot() -> dict:
    return {
        "items": ServiceItem.objects.count(),
        "versions": ItemVersion.objects.count(),
        "current": dict(ServiceItem.objects.values_list("code", "current_version_id")),
        "implementations": list(ItemImplementation.objects.order_by("pk").values()),
        "bundles": list(Bundle.objects.order_by("pk").values()),
        "licence_types": list(LicenceType.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def _refused(data: bytes) -> list[str]:
    before = _snapshot()
    with pytest.raises(CatalogImportFailed) as caught:
        _import(data)
    assert _snapshot() == before
    return [str(issue) for issue in caught.value.issues]


def test_export_follows_the_documented_layout(db, exported):
    cells = _cells(exported)
    assert list(cells) == ["事项", "材料", "实施清单", "一件事", "证照类型"]
    assert cells["事项"][0][:3] == ("事项编码 code", "事项名称 name", "事项类型 kind")
    assert len(cells["事项"]) == 1 + 67
    assert len(cells["一件事"]) == 1 + 8
    book = _book(exported)
    ws = book["事项"]
    r015 = _row(ws, "R015")
    assert ws.cell(r015, _col(ws, "prerequisites")).value == "R016、R021"
    assert ws.cell(r015, _col(ws, "kind")).value == "行政许可"
    assert json.loads(ws.cell(r015, _col(ws, "form_schema")).value)["type"] == "object"
    materials = book["材料"]
    assert materials.cell(2, _col(materials, "required")).value in {"是", "否"}


def test_reimporting_an_export_changes_nothing(db, exported):
    before = _snapshot()
    summary = _import(exported)
    assert (summary.items_created, summary.versions_published, summary.items_unchanged) == (0, 0, 67)
    assert (summary.implementations_saved, summary.bundles_saved, summary.licence_types_saved) == (0, 0, 0)
    assert _snapshot() == before


def _empty_catalog() -> None:
    """Remove every catalog row (inside the test's transaction), leaving regions and departments."""
    Topic.objects.all().delete()
    ConstructionStage.objects.all().delete()
    DualNotificationRule.objects.all().delete()
    Bundle.objects.all().delete()
    ProcessDefinition.objects.all().delete()  # processes are not part of the workbook
    ItemImplementation.objects.all().delete()
    ServiceItem.objects.update(current_version=None)
    ItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()
    Licence.objects.all().delete()  # the demo's licences in the store name their types
    LicenceType.objects.all().delete()


def test_export_import_into_an_empty_catalog_gives_the_same_workbook(db, exported):
    _empty_catalog()
    summary = _import(exported)
    assert (summary.items_created, summary.versions_published) == (67, 67)
    assert summary.bundles_saved == 8
    again = io.BytesIO()
    catalog_export(file=again)
    assert _cells(again.getvalue()) == _cells(exported)
    assert not ItemVersion.objects.filter(status=ItemVersion.Status.DRAFT).exists()


def test_a_changed_item_gets_a_new_published_version_and_only_it(db, exported):
    book = _book(exported)
    _set(book, "事项", "R005", "promised_days", 3)
    before = ItemVersion.objects.count()
    old = ServiceItem.objects.get(code="R005").current_version
    summary = _import(_bytes(book))
    assert (summary.versions_published, summary.items_unchanged) == (1, 66)
    item = ServiceItem.objects.get(code="R005")
    assert item.current_version.number == old.number + 1
    assert item.current_version.promised_days == 3
    assert [m.name for m in item.current_version.materials.all()] == [m.name for m in old.materials.all()]
    assert ItemVersion.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="catalog.version_publish", target_id=str(item.current_version.pk)).exists()


def test_materials_prerequisites_implementations_and_bundles_are_updated(db, exported):
    book = _book(exported)
    _set(book, "材料", "R006", "name", "食品经营许可证正本", match="item")
    _set(book, "事项", "R006", "prerequisites", "R001,R005")
    _set(book, "实施清单", "R005", "place", "海珠区政务服务中心二楼 A 区", match="item")
    _set(book, "一件事", "B01", "popular", "否")
    summary = _import(_bytes(book))
    assert summary.versions_published == 1
    version = ServiceItem.objects.get(code="R006").current_version
    assert version.materials.order_by("position").first().name == "食品经营许可证正本"
    assert sorted(version.prerequisites.values_list("code", flat=True)) == ["R001", "R005"]
    assert summary.implementations_saved == 1
    assert AuditEntry.objects.filter(action="catalog.itemimplementation_update").exists()
    assert Bundle.objects.get(code="B01").popular is False


def test_a_new_item_is_created_and_published(db, exported):
    book = _book(exported)
    items, materials = book["事项"], book["材料"]
    source = _row(items, "R005")
    items.append([c.value for c in items[source]])
    new = items.max_row
    items.cell(new, _col(items, "code"), "T9001")
    items.cell(new, _col(items, "name"), "小餐饮登记")
    materials.append(["T9001", 1, "小餐饮登记申请表", "是", "原件", "申请人提供", None, None])
    summary = _import(_bytes(book))
    assert summary.items_created == 1
    item = ServiceItem.objects.get(code="T9001")
    assert item.current_version.number == 1
    assert list(item.current_version.materials.values_list("name", flat=True)) == ["小餐饮登记申请表"]


def test_wrong_type_in_a_cell(db, exported):
    book = _book(exported)
    row = _set(book, "事项", "R005", "promised_days", "五天")
    assert _refused(_bytes(book)) == [f"事项!R{row} 列「承诺时限」：必须是 0 以上的整数"]


def test_every_error_is_reported_at_once(db, exported):
    book = _book(exported)
    r1 = _set(book, "事项", "R005", "online_depth", 7)
    r2 = _set(book, "材料", "R005", "required", "也许", match="item")
    r3 = _set(book, "证照类型", "FOOD_BIZ", "validity_years", -1)
    issues = _refused(_bytes(book))
    assert issues == [
        f"事项!R{r1} 列「网办深度」：必须是 1 到 4 之间的整数",
        f"材料!R{r2} 列「必需」：必须填写“是”或“否”",
        f"证照类型!R{r3} 列「有效期（年）」：必须是 0 以上的整数",
    ]


def test_unknown_department_code(db, exported):
    book = _book(exported)
    row = _set(book, "实施清单", "R005", "department", "440105-NOPE", match="item")
    assert _refused(_bytes(book)) == [f"实施清单!R{row} 列「实施部门编码」：未知的部门编码 440105-NOPE"]


def test_unknown_licence_type(db, exported):
    book = _book(exported)
    row = _set(book, "事项", "R005", "result_licence_type", "NO_SUCH_LICENCE")
    assert _refused(_bytes(book)) == [f"事项!R{row} 列「办理结果证照」：未知的证照类型编码 NO_SUCH_LICENCE"]


def test_missing_required_column(db, exported):
    book = _book(exported)
    ws = book["事项"]
    ws.delete_cols(_col(ws, "promised_days"))
    assert _refused(_bytes(book)) == ["事项!R1 列「承诺时限」：缺少必需的列（表头「承诺时限 promised_days」）"]


def test_duplicate_code(db, exported):
    book = _book(exported)
    ws = book["事项"]
    first = _row(ws, "R007")
    ws.append([c.value for c in ws[first]])
    assert _refused(_bytes(book)) == [f"事项!R{ws.max_row} 列「事项编码」：编码 R007 与第 {first} 行重复"]


def test_prerequisite_cycle_across_two_rows(db, exported):
    book = _book(exported)
    r1 = _set(book, "事项", "R001", "prerequisites", "R003")
    r3 = _row(book["事项"], "R003")
    message = "前置条件形成循环（互为前置），不能发布：R001 → R003 → R001"
    assert _refused(_bytes(book)) == [f"事项!R{r1} 列「前置事项」：{message}", f"事项!R{r3} 列「前置事项」：{message}"]


def test_a_cycle_the_service_refuses_rolls_everything_back(db, exported, monkeypatch):
    """If a cycle got past the file check, the publish service still refuses it, and nothing stays written."""
    monkeypatch.setattr(excel._Plan, "_check_cycles", lambda self: None)
    book = _book(exported)
    _set(book, "事项", "R002", "promised_days", 0)
    row = _set(book, "事项", "R001", "prerequisites", "R003")
    issues = _refused(_bytes(book))
    assert issues == [f"事项!R{row} 列「前置事项」：前置条件形成循环（互为前置），不能发布：R001 → R003 → R001"]


def test_malformed_form_schema(db, exported):
    book = _book(exported)
    r1 = _set(book, "事项", "R005", "form_schema", '{"type": "object", "properties": ')
    r2 = _set(book, "事项", "R006", "form_schema", '{"type": "array"}')
    issues = _refused(_bytes(book))
    assert issues[0].startswith(f"事项!R{r1} 列「申请表」：不是有效的 JSON（第 1 行第 33 列")
    assert issues[1] == f"事项!R{r2} 列「申请表」：申请表的根类型必须是 object"


def test_a_file_that_is_not_xlsx(db):
    assert _refused("事项编码,事项名称\nR001,企业设立登记\n".encode()) == [
        "文件：无法读取：不是有效的 Excel 工作簿（.xlsx）"
    ]


def test_item_basics_and_open_drafts_are_not_overwritten(db, exported):
    book = _book(exported)
    r1 = _set(book, "事项", "R005", "name", "食品经营许可")
    r2 = _set(book, "事项", "R006", "fee", "按标准收费")
    item_version_draft(actor=None, item=ServiceItem.objects.get(code="R006"))
    assert _refused(_bytes(book)) == [
        f"事项!R{r1} 列「事项名称」：与现有事项不一致（现为「食品经营许可（新办）」）；事项基本信息不能通过导入修改",
        f"事项!R{r2} 列「事项编码」：该事项有未发布的草稿（v2），请先在管理后台发布或处理后再导入",
    ]


def test_only_catalog_administrators_import(db, exported, samr_reviewer, catalog_admin):
    with pytest.raises(PermissionDenied):
        _import(exported, actor=samr_reviewer)
    assert _import(exported, actor=catalog_admin).items_unchanged == 67


def test_commands(db, exported, tmp_path):
    out = io.StringIO()
    call_command("export_catalog", "-o", str(tmp_path / "c.xlsx"), stdout=out)
    assert "事项 67 行" in out.getvalue()
    assert _cells((tmp_path / "c.xlsx").read_bytes()) == _cells(exported)

    out = io.StringIO()
    call_command("import_catalog", str(tmp_path / "c.xlsx"), stdout=out)
    assert "未变化事项 67 个" in out.getvalue()

    book = _book(exported)
    row = _set(book, "事项", "R005", "promised_days", -2)
    (tmp_path / "bad.xlsx").write_bytes(_bytes(book))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误"):
        call_command("import_catalog", str(tmp_path / "bad.xlsx"), stderr=err)
    assert f"事项!R{row} 列「承诺时限」：必须是 0 以上的整数" in err.getvalue()


def test_a_file_made_before_the_tolerance_and_commitment_columns_still_imports(db, exported):
    book = _book(exported)
    sheet = book["材料"]
    for key in ("commitment", "tolerable"):
        sheet.delete_cols(_col(sheet, key))
    summary = _import(_bytes(book))
    # Missing columns read as "否": only the items whose materials allowed 容缺 or 告知承诺 change.
    marked = {"R001", "R005", "R008", "R010", "R012", "R015"}
    assert (summary.versions_published, summary.items_unchanged) == (len(marked), 67 - len(marked))
    for code in marked:
        materials = ServiceItem.objects.get(code=code).current_version.materials.all()
        assert not any(m.tolerable or m.commitment for m in materials)

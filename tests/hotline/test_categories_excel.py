"""The 12345 category tree in and out of Excel: a round trip changes nothing, an edited sheet adds, updates and
deactivates in one go, and every bad input is reported by row with nothing changed; through the admin and the
console too."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from yiwang.core.errors import PermissionDenied
from yiwang.core.models import AuditEntry
from yiwang.hotline.categories_excel import CategoryImportFailed, categories_export, categories_import
from yiwang.hotline.models import Category

HEADINGS = (
    "分类编码 code",
    "名称 name",
    "上级分类编码 parent",
    "默认承办部门类别 department_kind",
    "启用 active",
    "顺序 position",
)


def _export() -> bytes:
    buffer = io.BytesIO()
    categories_export(file=buffer)
    return buffer.getvalue()


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True)["工单分类"].iter_rows(values_only=True))


def _edited(data: bytes, *, set_rows: dict[str, dict] | None = None, add: list[tuple] = ()) -> io.BytesIO:
    """The exported sheet with some rows' cells changed (by code and heading key) and rows appended."""
    book = load_workbook(io.BytesIO(data))
    ws = book["工单分类"]
    keys = [str(c.value).rsplit(None, 1)[-1] for c in ws[1]]
    for line in ws.iter_rows(min_row=2):
        for key, value in (set_rows or {}).get(line[0].value, {}).items():
            line[keys.index(key)].value = value
    for row in add:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _snapshot() -> list[tuple]:
    return list(
        Category.objects.order_by("code").values_list(
            "code", "name", "parent__code", "department_kind", "active", "position"
        )
    )


def _refused(file, *, actor=None) -> list[str]:
    before = _snapshot()
    with pytest.raises(CategoryImportFailed) as raised:
        categories_import(actor=actor, file=file)
    assert _snapshot() == before
    assert raised.value.message.startswith("导入失败")
    return [str(issue) for issue in raised.value.issues]


def test_the_export_is_the_tree_parents_first(db):
    rows = _rows(_export())
    assert rows[0] == HEADINGS
    assert len(rows) - 1 == Category.objects.count()
    codes = [r[0] for r in rows[1:]]
    assert rows[1][:5] == ("CITY", "市容环境", None, "URBAN", "是")
    assert codes.index("NOISE") < codes.index("NOISE-02")
    assert rows[codes.index("NOISE-02") + 1][:5] == ("NOISE-02", "社会生活噪音", "NOISE", "PSB", "是")


def test_a_round_trip_changes_nothing_and_audits_nothing(db):
    before, audited = _snapshot(), AuditEntry.objects.count()
    summary = categories_import(actor=None, file=io.BytesIO(_export()))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, Category.objects.count())
    assert _snapshot() == before
    assert AuditEntry.objects.count() == audited


def test_an_edited_sheet_adds_updates_and_deactivates_in_one_go(db, catalog_admin):
    file = _edited(
        _export(),
        set_rows={"NOISE-03": {"name": "商铺经营噪音"}, "TRAFFIC-03": {"active": "否"}},
        # A new parent and its child, the child first: the import orders them itself.
        add=[("PET-01", "犬只扰民", "PET", "PSB", "是", None), ("PET", "宠物管理", None, "PSB", None, None)],
    )
    summary = categories_import(actor=catalog_admin, file=file)
    assert (summary.created, summary.updated, summary.deactivated) == (2, 2, 1)
    assert Category.objects.get(code="NOISE-03").name == "商铺经营噪音"
    assert not Category.objects.get(code="TRAFFIC-03").active
    child = Category.objects.get(code="PET-01")
    assert child.parent.code == "PET" and child.active and child.department_kind == "PSB"
    assert child.position > Category.objects.get(code="PET").position > Category.objects.get(code="GOV").position
    entries = AuditEntry.objects.filter(action__startswith="hotline.category_")
    assert (
        sorted(entries.values_list("action", flat=True))
        == ["hotline.category_create"] * 2 + ["hotline.category_update"] * 2
    )
    renamed = entries.get(target_id=str(Category.objects.get(code="NOISE-03").pk))
    assert renamed.actor == catalog_admin and renamed.data["changes"] == {"name": ["商业经营噪音", "商铺经营噪音"]}


def test_a_dry_run_reports_and_writes_nothing(db):
    before = _snapshot()
    summary = categories_import(
        actor=None, file=_edited(_export(), add=[("GOV-09", "新分类", "GOV", "", "是", 99)]), dry_run=True
    )
    assert summary.created == 1
    assert _snapshot() == before


def test_an_unknown_parent_is_reported_on_its_row(db):
    issues = _refused(_edited(_export(), add=[("X-01", "新分类", "NOPE", "URBAN", "是", None)]))
    row = Category.objects.count() + 2
    assert issues == [f"工单分类!R{row} 列「上级分类编码」：上级分类「NOPE」不存在"]


def test_a_duplicate_code_is_reported_on_the_second_row(db):
    issues = _refused(_edited(_export(), add=[("CITY-01", "占道经营（重复）", "CITY", "URBAN", "是", None)]))
    first = [r[0] for r in _rows(_export())].index("CITY-01") + 1
    assert issues == [f"工单分类!R{Category.objects.count() + 2} 列「分类编码」：分类编码与第 {first} 行重复"]


def test_a_cycle_of_parents_is_refused(db):
    issues = _refused(_edited(_export(), set_rows={"CITY": {"parent": "CITY-01"}}))
    assert any("上级分类形成循环：CITY → CITY-01 → CITY" in issue for issue in issues)
    assert _refused(_edited(_export(), set_rows={"GOV": {"parent": "GOV"}}))


def test_an_unknown_department_kind_is_refused(db):
    issues = _refused(_edited(_export(), set_rows={"WATER-01": {"department_kind": "PLUMBERS"}}))
    assert len(issues) == 1 and "列「默认承办部门类别」：未知的部门类别「PLUMBERS」" in issues[0]


def test_a_category_with_open_orders_cannot_be_deactivated(dispatched):
    issues = _refused(_edited(_export(), set_rows={"CITY-01": {"active": "否"}}))
    assert len(issues) == 1 and "列「启用」：该分类下还有 1 件未办结的工单，不能停用" in issues[0]


def test_a_parent_cannot_go_out_of_use_under_children_in_use(db):
    issues = _refused(_edited(_export(), set_rows={"LABOUR": {"active": "否"}}))
    assert len(issues) == 2 and all("其上级分类「LABOUR」停用" in issue for issue in issues)
    # Taking the children out of use with it is fine.
    off = {code: {"active": "否"} for code in ("LABOUR", "LABOUR-01", "LABOUR-02")}
    assert categories_import(actor=None, file=_edited(_export(), set_rows=off)).deactivated == 3


def test_unreadable_cells_headers_and_files_are_reported(db):
    issues = _refused(_edited(_export(), add=[(None, "", "CITY", "URBAN", "也许", "第一")]))
    row = Category.objects.count() + 2
    assert [i.split("：")[0] for i in issues] == [
        f"工单分类!R{row} 列「{c}」" for c in ("分类编码", "名称", "启用", "顺序")
    ]
    issues = _refused(_edited(_export(), add=[("X-02", None, "CITY", "URBAN", "是", None)]))
    assert issues == [f"工单分类!R{row} 列「名称」：不能为空"]
    assert _refused(io.BytesIO(b"not a workbook")) == ["文件：无法读取：不是有效的 Excel 工作簿（.xlsx）"]
    book = load_workbook(io.BytesIO(_export()))
    book["工单分类"]["B1"] = "名字"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert _refused(buffer) == [
        "工单分类!R1 列「名字」：无法识别的列；表头应为「中文名 key」，如「分类编码 code」",
        "工单分类!R1 列「名称」：缺少必需的列（表头「名称 name」）",
    ]


def test_only_the_administrators_import(db, operator):
    with pytest.raises(PermissionDenied):
        categories_import(actor=operator, file=io.BytesIO(_export()))


def test_the_admin_exports_and_imports(client, superuser):
    client.force_login(superuser)
    changelist = client.get("/admin/hotline/category/").content.decode()
    assert (
        "/admin/hotline/category/excel/export/" in changelist and "/admin/hotline/category/excel/import/" in changelist
    )
    exported = client.get("/admin/hotline/category/excel/export/")
    assert exported.status_code == 200 and exported["Content-Type"].endswith("spreadsheetml.sheet")
    assert _rows(b"".join(exported.streaming_content) if exported.streaming else exported.content)[0] == HEADINGS
    assert client.get("/admin/hotline/category/excel/import/").status_code == 200
    upload = SimpleUploadedFile("c.xlsx", _edited(_export(), set_rows={"ECO-02": {"name": "河涌黑臭"}}).getvalue())
    response = client.post("/admin/hotline/category/excel/import/", {"file": upload}, follow=True)
    assert "导入完成：新增分类 0 个，修改 1 个" in response.content.decode()
    assert Category.objects.get(code="ECO-02").name == "河涌黑臭"


def test_the_admin_lists_a_bad_files_problems_by_row(client, superuser):
    client.force_login(superuser)
    before = _snapshot()
    upload = SimpleUploadedFile(
        "c.xlsx", _edited(_export(), set_rows={"ECO-02": {"department_kind": "NOPE"}}).getvalue()
    )
    response = client.post("/admin/hotline/category/excel/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "导入失败：共 1 处错误，未做任何修改" in html and "未知的部门类别「NOPE」" in html
    assert _snapshot() == before


def test_the_admin_refuses_staff_without_the_permission(client, catalog_admin):
    client.force_login(catalog_admin)
    assert client.get("/admin/hotline/category/excel/export/").status_code in (302, 403)
    upload = SimpleUploadedFile("c.xlsx", _export())
    assert client.post("/admin/hotline/category/excel/import/", {"file": upload}).status_code in (302, 403)


def test_the_commands_export_and_import(db, tmp_path, capsys):
    path = tmp_path / "categories.xlsx"
    call_command("export_hotline_categories", "-o", str(path))
    assert f"{Category.objects.count()} 个分类" in capsys.readouterr().out
    call_command("import_hotline_categories", str(path))
    assert "未变化" in capsys.readouterr().out
    path.write_bytes(_edited(path.read_bytes(), set_rows={"GOV": {"parent": "NOPE"}}).getvalue())
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_hotline_categories", str(path))
    assert "上级分类「NOPE」不存在" in capsys.readouterr().err

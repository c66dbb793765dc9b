"""The catalog as one Excel workbook: export the published catalog, import it back all or nothing.

The column layout is documented in docs/catalog-excel.md. A heading reads "中文名 key": people read the
Chinese, import matches on the key, so a reworded Chinese heading still imports and a reordered sheet too.

Import validates every row of every sheet before writing anything and reports all the problems at once,
each as sheet, row, column and reason. A clean file is applied in one transaction through the catalog
services, so a refusal there (a prerequisite cycle) still leaves the database as it was. An item whose
standard elements, materials and prerequisites equal its current version is left alone: importing an
export of the same database changes nothing.
"""

import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from yiwang.core.errors import DomainError, PrerequisiteCycle, ValidationFailed
from yiwang.org.models import Department

from .forms_schema import check_example, check_schema
from .models import (
    Bundle,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    MaterialSpec,
    ServiceItem,
)
from .services import (
    MATERIAL_FIELDS,
    VERSION_FIELDS,
    bundle_save,
    item_create,
    item_version_draft,
    item_version_publish,
    item_version_update,
    reference_save,
    require_catalog_admin,
)

ITEMS, MATERIALS, IMPLEMENTATIONS, BUNDLES, LICENCE_TYPES = "事项", "材料", "实施清单", "一件事", "证照类型"
CODE_SEPARATORS = re.compile(r"[、,，;；\s]+")
YES, NO = "是", "否"


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


class CatalogImportFailed(ValidationFailed):
    """The file was refused; `issues` lists every problem found. Nothing was written."""

    code = "catalog_import_failed"

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(_("导入失败：共 %(n)d 处错误，未做任何修改") % {"n": len(issues)})


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


class Choice:
    """Written as the Chinese label; the stored value is accepted too, for files made by other programs."""

    def __init__(self, choices):
        self.labels = {str(label): value for value, label in choices.choices}
        self.values = {value: str(label) for value, label in choices.choices}

    def parse(self, value):
        text = "" if value is None else str(value).strip()
        if text in self.labels:
            return self.labels[text]
        if text in self.values:
            return text
        raise CellError(_("必须是以下之一：%(labels)s") % {"labels": "、".join(self.labels)})

    def render(self, value):
        return self.values.get(value, value)


class CodeList:
    def __init__(self, *, required: bool = False):
        self.required = required

    def parse(self, value):
        codes = [c for c in CODE_SEPARATORS.split("" if value is None else str(value).strip()) if c]
        if self.required and not codes:
            raise CellError(_("至少填写一个事项编码"))
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise CellError(_("编码重复：%(codes)s") % {"codes": "、".join(repeated)})
        return codes

    def render(self, value):
        return "、".join(value) or None


class JsonObject:
    def parse(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return {}
        problem = _schema_problem(text)
        if problem:
            raise CellError(problem)
        return json.loads(text)

    def render(self, value):
        # Sorted keys: PostgreSQL's jsonb does not keep key order, and the export must not depend on it.
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


class JsonExample:
    """A filled 样表: any JSON object, checked against the row's form when the version is saved. The column
    came after files were already in circulation, so a file without it reads as no example."""

    blank_means: dict = {}

    def parse(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CellError(_("不是有效的 JSON（%(msg)s）") % {"msg": exc.msg}) from None
        if not isinstance(data, dict):
            raise CellError(_("必须是 JSON 对象（以 { 开头）"))
        return data

    def render(self, value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


@lru_cache(maxsize=256)
def _schema_problem(text: str) -> str | None:
    """Why this JSON text is not a usable form schema, or None. Cached: many items share one form, and a
    JSON Schema check costs tens of milliseconds."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列：%(msg)s）") % {
            "line": exc.lineno,
            "col": exc.colno,
            "msg": exc.msg,
        }
    if not isinstance(data, dict):
        return _("必须是 JSON 对象（以 { 开头）")
    try:
        check_schema(data)
    except ValidationFailed as exc:
        return "；".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
    return None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Any

    @property
    def heading(self) -> str:
        return f"{self.label} {self.key}"


SHEETS: dict[str, tuple[Column, ...]] = {
    ITEMS: (
        Column("code", "事项编码", Text(required=True)),
        Column("name", "事项名称", Text(required=True)),
        Column("kind", "事项类型", Choice(ServiceItem.Kind)),
        Column("department_kind", "主管部门类别", Text(required=True)),
        Column("level", "实施层级", Choice(ServiceItem.Level)),
        Column("audience", "服务对象", Choice(ServiceItem.Audience)),
        Column("legal_basis", "设定依据", Text(required=True)),
        Column("conditions", "受理条件", Text()),
        Column("process_outline", "办理流程", Text()),
        Column("statutory_days", "法定时限", Integer(required=False)),
        Column("promised_days", "承诺时限", Integer()),
        Column("fee", "收费标准", Text(required=True)),
        Column("online_depth", "网办深度", Integer(minimum=1, maximum=4)),
        Column("max_visits", "最多跑动次数", Integer()),
        Column("result_licence_type", "办理结果证照", Text()),
        Column("result_description", "办理结果", Text()),
        Column("keywords", "检索关键词", Text()),
        Column("prerequisites", "前置事项", CodeList()),
        Column("form_schema", "申请表", JsonObject()),
        Column("form_example", "申请表样表", JsonExample()),
    ),
    MATERIALS: (
        Column("item", "事项编码", Text(required=True)),
        Column("position", "序号", Integer(minimum=1)),
        Column("name", "材料名称", Text(required=True)),
        Column("required", "必需", Boolean()),
        Column("form", "材料形式", Choice(MaterialSpec.Form)),
        Column("source", "来源", Choice(MaterialSpec.Source)),
        Column("licence_type", "证照类型编码", Text()),
        Column("shared_source", "共享数据来源", Text()),
        Column("tolerable", "可容缺", Boolean(blank_means=False)),
        Column("commitment", "可告知承诺", Boolean(blank_means=False)),
    ),
    IMPLEMENTATIONS: (
        Column("item", "事项编码", Text(required=True)),
        Column("department", "实施部门编码", Text(required=True)),
        Column("promised_days", "本地承诺时限", Integer(required=False)),
        Column("place", "办理地点", Text()),
        Column("hours", "办理时间", Text()),
        Column("consultation_phone", "咨询电话", Text()),
        Column("complaint_phone", "投诉电话", Text()),
        Column("active", "在用", Boolean()),
    ),
    BUNDLES: (
        Column("code", "编码", Text(required=True)),
        Column("name", "名称", Text(required=True)),
        Column("audience", "服务对象", Choice(ServiceItem.Audience)),
        Column("promise", "承诺", Text()),
        Column("items", "包含事项", CodeList(required=True)),
        Column("description", "说明", Text()),
        Column("keywords", "检索关键词", Text()),
        Column("popular", "首页推荐", Boolean()),
    ),
    LICENCE_TYPES: (
        Column("code", "证照类型编码", Text(required=True)),
        Column("name", "证照名称", Text(required=True)),
        Column("validity_years", "有效期（年）", Integer(required=False)),
    ),
}
ITEM_FIELDS = ("name", "kind", "department_kind", "level", "audience")


def _label(sheet: str, key: str) -> str:
    return next(c.label for c in SHEETS[sheet] if c.key == key)


# ---------------------------------------------------------------------------------------------------- export


def catalog_export(*, file) -> dict[str, int]:
    """Write the published catalog to `file` (a path or a binary file object); returns rows per sheet."""
    rows = _export_rows()
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet, columns in SHEETS.items():
        ws = workbook.create_sheet(sheet)
        for c, column in enumerate(columns, start=1):
            ws.cell(row=1, column=c, value=column.heading).font = bold
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = max(12, len(column.heading) + 6)
        for r, row in enumerate(rows[sheet], start=2):
            for c, column in enumerate(columns, start=1):
                cell = ws.cell(row=r, column=c, value=column.kind.render(row[column.key]))
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text, never runs in Excel
        ws.freeze_panes = "A2"
    workbook.save(file)
    return {sheet: len(sheet_rows) for sheet, sheet_rows in rows.items()}


def _export_rows() -> dict[str, list[dict]]:
    items = list(
        ServiceItem.objects.exclude(current_version=None)
        .select_related("current_version__result_licence_type")
        .prefetch_related("current_version__prerequisites", "current_version__materials__licence_type")
        .order_by("code")
    )
    rows: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
    for item in items:
        version = item.current_version
        rows[ITEMS].append(
            {
                "code": item.code,
                **{f: getattr(item, f) for f in ITEM_FIELDS},
                **{f: getattr(version, f) for f in VERSION_FIELDS},
                "result_licence_type": version.result_licence_type.code if version.result_licence_type else "",
                "prerequisites": sorted(p.code for p in version.prerequisites.all()),
            }
        )
        for m in sorted(version.materials.all(), key=lambda m: m.position):
            rows[MATERIALS].append(
                {
                    "item": item.code,
                    "position": m.position,
                    **{f: getattr(m, f) for f in MATERIAL_FIELDS},
                    "licence_type": m.licence_type.code if m.licence_type else "",
                }
            )
    implementations = (
        ItemImplementation.objects.filter(item__in=items)
        .select_related("item", "department")
        .order_by("item__code", "department__code")
    )
    for impl in implementations:
        rows[IMPLEMENTATIONS].append(
            {
                "item": impl.item.code,
                "department": impl.department.code,
                **_implementation_values(impl),
            }
        )
    for bundle in Bundle.objects.prefetch_related("entries__item").order_by("code"):
        rows[BUNDLES].append(_bundle_values(bundle))
    for lt in LicenceType.objects.order_by("code"):
        rows[LICENCE_TYPES].append({"code": lt.code, "name": lt.name, "validity_years": lt.validity_years})
    return rows


IMPLEMENTATION_FIELDS = ("promised_days", "place", "hours", "consultation_phone", "complaint_phone", "active")
BUNDLE_FIELDS = ("name", "audience", "promise", "description", "keywords", "popular")


def _implementation_values(impl: ItemImplementation) -> dict:
    return {f: getattr(impl, f) for f in IMPLEMENTATION_FIELDS}


def _bundle_values(bundle: Bundle) -> dict:
    entries = sorted(bundle.entries.all(), key=lambda e: e.position)
    return {
        "code": bundle.code,
        **{f: getattr(bundle, f) for f in BUNDLE_FIELDS},
        "items": [e.item.code for e in entries],
    }


# ---------------------------------------------------------------------------------------------------- import


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # keys whose cells could not be read; later checks skip them

    def ok(self, *keys: str) -> bool:
        return not self.bad.intersection(keys)


@dataclass
class ImportSummary:
    items_created: int = 0
    versions_published: int = 0
    items_unchanged: int = 0
    implementations_saved: int = 0
    bundles_saved: int = 0
    licence_types_saved: int = 0

    def __str__(self) -> str:
        return _(
            "新增事项 %(created)d 个，发布新版本 %(published)d 个，未变化事项 %(unchanged)d 个；"
            "实施清单写入 %(impl)d 条，一件事写入 %(bundles)d 个，证照类型写入 %(lt)d 个"
        ) % {
            "created": self.items_created,
            "published": self.versions_published,
            "unchanged": self.items_unchanged,
            "impl": self.implementations_saved,
            "bundles": self.bundles_saved,
            "lt": self.licence_types_saved,
        }


class _Issues(list):
    def add(self, row: Row, key: str, reason: str) -> None:
        row.bad.add(key)
        self.append(Issue(row.sheet, row.number, _label(row.sheet, key) if key else "", reason))


def catalog_import(*, actor, file, dry_run: bool = False) -> ImportSummary:
    """Import a workbook (a path or a binary file object). Raises CatalogImportFailed listing every problem."""
    require_catalog_admin(actor)
    issues = _Issues()
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


def _shortest_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    parent: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        for nxt in edges.get(node, []):
            if nxt == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                cycle = list(reversed(path))
                first = cycle.index(min(cycle))
                cycle = cycle[first:] + cycle[:first]
                return [*cycle, cycle[0]]
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


class _Plan:
    """What a file means against the database: validated on construction, written by apply()."""

    def __init__(self, sheets: dict[str, list[Row] | None], issues: _Issues):
        self.issues = issues
        # A reference into an unreadable sheet cannot be judged; reporting it would bury the real problem.
        self.unreadable = {sheet for sheet, rows in sheets.items() if rows is None}
        self.sheets = {sheet: rows or [] for sheet, rows in sheets.items()}
        self.existing = {
            item.code: item
            for item in ServiceItem.objects.select_related("current_version__result_licence_type").prefetch_related(
                "current_version__prerequisites", "current_version__materials__licence_type"
            )
        }
        self.drafts = dict(
            ItemVersion.objects.filter(status=ItemVersion.Status.DRAFT).values_list("item__code", "number")
        )
        self.departments = {d.code: d for d in Department.objects.select_related("region")}
        self.department_kinds = {d.kind for d in self.departments.values()}
        self.licence_types = {lt.code: lt for lt in LicenceType.objects.all()}
        self.licence_rows = self._unique(LICENCE_TYPES, "code")
        self.item_rows = self._unique(ITEMS, "code")
        self.materials: dict[str, list[Row]] = {}
        self.changed: list[Row] = []
        self.new: list[Row] = []
        self.unchanged = 0
        self.implementations: list[Row] = []
        self.bundles: list[Row] = []
        self._check_licence_types()
        self._check_items()
        self._check_materials()
        self._check_cycles()
        self._check_implementations()
        self._check_bundles()
        self._classify_items()

    def _unique(self, sheet: str, key: str) -> dict[str, Row]:
        seen: dict[str, Row] = {}
        for row in self.sheets.get(sheet, []):
            if not row.ok(key):
                continue
            code = row.values[key]
            if code in seen:
                self.issues.add(row, key, _("编码 %(code)s 与第 %(n)d 行重复") % {"code": code, "n": seen[code].number})
            else:
                seen[code] = row
        return seen

    def _known_licence(self, code: str) -> bool:
        return LICENCE_TYPES in self.unreadable or code in self.licence_types or code in self.licence_rows

    def _known_item(self, code: str) -> bool:
        return ITEMS in self.unreadable or code in self.existing or code in self.item_rows

    def _check_licence_types(self) -> None:
        for row in self.licence_rows.values():
            v = row.values
            _model_issues(
                self.issues,
                row,
                LicenceType(code=v["code"], name=v.get("name", ""), validity_years=v.get("validity_years")),
                exclude=[],
                fields={"code": "code", "name": "name", "validity_years": "validity_years"},
            )

    def _check_items(self) -> None:
        for code, row in self.item_rows.items():
            v = row.values
            if row.ok("department_kind") and v["department_kind"] not in self.department_kinds:
                self.issues.add(
                    row,
                    "department_kind",
                    _("未知的部门类别 %(kind)s（须与部门的类别一致，如 SAMR）") % {"kind": v["department_kind"]},
                )
            if (
                row.ok("result_licence_type")
                and v["result_licence_type"]
                and not self._known_licence(v["result_licence_type"])
            ):
                self.issues.add(
                    row, "result_licence_type", _("未知的证照类型编码 %(code)s") % {"code": v["result_licence_type"]}
                )
            if row.ok("prerequisites"):
                unknown = [c for c in v["prerequisites"] if not self._known_item(c)]
                if unknown:
                    self.issues.add(
                        row, "prerequisites", _("未知的事项编码：%(codes)s") % {"codes": "、".join(unknown)}
                    )
            if (
                row.ok("statutory_days", "promised_days")
                and v["statutory_days"] is not None
                and v["promised_days"] > v["statutory_days"]
            ):
                self.issues.add(
                    row, "promised_days", _("承诺时限不得超过法定时限（%(n)d 个工作日）") % {"n": v["statutory_days"]}
                )
            item_values = {f: v.get(f, "") for f in ("code", *ITEM_FIELDS)}
            _model_issues(
                self.issues,
                row,
                ServiceItem(**item_values),
                exclude=["current_version"],
                fields={f: f for f in item_values},
            )
            version_values = {f: v[f] for f in VERSION_FIELDS if f != "result_licence_type" and row.ok(f)}
            _model_issues(
                self.issues,
                row,
                ItemVersion(**version_values),
                exclude=[
                    "item",
                    "number",
                    "created_by",
                    "published_by",
                    "result_licence_type",
                    *(f for f in VERSION_FIELDS if not row.ok(f)),
                ],
                fields={f: f for f in VERSION_FIELDS},
            )
            if row.ok("form_schema", "form_example") and v["form_example"]:
                try:
                    check_example(v["form_schema"], v["form_example"])
                except ValidationFailed as exc:
                    self.issues.add(row, "form_example", "；".join(exc.fields["form_example"]))
            existing = self.existing.get(code)
            if existing is not None:
                for f in ITEM_FIELDS:
                    if row.ok(f) and getattr(existing, f) != v[f]:
                        self.issues.add(
                            row,
                            f,
                            _("与现有事项不一致（现为「%(old)s」）；事项基本信息不能通过导入修改")
                            % {"old": _display(existing, f)},
                        )

    def _check_materials(self) -> None:
        positions: dict[tuple[str, int], Row] = {}
        for row in self.sheets.get(MATERIALS, []):
            v = row.values
            if row.ok("item") and ITEMS not in self.unreadable and v["item"] not in self.item_rows:
                self.issues.add(
                    row, "item", _("事项 %(code)s 不在「事项」表中；材料随事项一起导入") % {"code": v["item"]}
                )
            if row.ok("item", "position"):
                key = (v["item"], v["position"])
                if key in positions:
                    self.issues.add(row, "position", _("序号与第 %(n)d 行重复") % {"n": positions[key].number})
                positions.setdefault(key, row)
            if row.ok("licence_type") and v["licence_type"] and not self._known_licence(v["licence_type"]):
                self.issues.add(row, "licence_type", _("未知的证照类型编码 %(code)s") % {"code": v["licence_type"]})
            if (
                row.ok("source", "licence_type")
                and v["source"] == MaterialSpec.Source.LICENCE
                and not v["licence_type"]
            ):
                self.issues.add(row, "licence_type", _("来源为电子证照的材料必须指定证照类型"))
            if (
                row.ok("source", "shared_source")
                and v["source"] == MaterialSpec.Source.SHARED
                and not v["shared_source"]
            ):
                self.issues.add(row, "shared_source", _("来源为共享数据的材料必须指定数据来源"))
            values = {f: v[f] for f in MATERIAL_FIELDS if f != "licence_type" and row.ok(f)}
            _model_issues(
                self.issues,
                row,
                MaterialSpec(position=v.get("position") or 1, **values),
                exclude=["version", "licence_type", *(f for f in MATERIAL_FIELDS if not row.ok(f))],
                fields={f: f for f in MATERIAL_FIELDS},
            )
            if row.ok("item"):
                self.materials.setdefault(v["item"], []).append(row)

    def _prerequisite_graph(self) -> dict[str, list[str]]:
        edges = {
            code: [p.code for p in item.current_version.prerequisites.all()]
            for code, item in self.existing.items()
            if item.current_version
        }
        for code, row in self.item_rows.items():
            edges[code] = row.values["prerequisites"] if row.ok("prerequisites") else []
        return edges

    def _check_cycles(self) -> None:
        edges = self._prerequisite_graph()
        for code, row in self.item_rows.items():
            cycle = _shortest_cycle(code, edges) if row.ok("prerequisites") else None
            if cycle:
                self.issues.add(
                    row,
                    "prerequisites",
                    _("前置条件形成循环（互为前置），不能发布：%(cycle)s") % {"cycle": " → ".join(cycle)},
                )

    def _check_implementations(self) -> None:
        seen: dict[tuple[str, str], Row] = {}
        for row in self.sheets.get(IMPLEMENTATIONS, []):
            v = row.values
            if row.ok("item") and not self._known_item(v["item"]):
                self.issues.add(row, "item", _("未知的事项编码 %(code)s") % {"code": v["item"]})
            if row.ok("department") and v["department"] not in self.departments:
                self.issues.add(row, "department", _("未知的部门编码 %(code)s") % {"code": v["department"]})
            if row.ok("item", "department"):
                key = (v["item"], v["department"])
                if key in seen:
                    self.issues.add(row, "department", _("同一事项同一部门与第 %(n)d 行重复") % {"n": seen[key].number})
                seen.setdefault(key, row)
            values = {f: v[f] for f in IMPLEMENTATION_FIELDS if row.ok(f)}
            _model_issues(
                self.issues,
                row,
                ItemImplementation(**values),
                exclude=["item", "department", "code", *(f for f in IMPLEMENTATION_FIELDS if not row.ok(f))],
                fields={f: f for f in IMPLEMENTATION_FIELDS},
            )
            self.implementations.append(row)

    def _check_bundles(self) -> None:
        for row in self._unique(BUNDLES, "code").values():
            v = row.values
            if row.ok("items"):
                unknown = [c for c in v["items"] if not self._known_item(c)]
                if unknown:
                    self.issues.add(row, "items", _("未知的事项编码：%(codes)s") % {"codes": "、".join(unknown)})
            values = {f: v[f] for f in ("code", *BUNDLE_FIELDS) if row.ok(f)}
            _model_issues(
                self.issues,
                row,
                Bundle(**values),
                exclude=[f for f in ("code", *BUNDLE_FIELDS) if not row.ok(f)],
                fields={f: f for f in ("code", *BUNDLE_FIELDS)},
            )
            self.bundles.append(row)

    def _classify_items(self) -> None:
        for code, row in self.item_rows.items():
            if row.bad or any(m.bad for m in self.materials.get(code, [])):
                continue
            existing = self.existing.get(code)
            if existing is None:
                self.new.append(row)
            elif existing.current_version is None or _version_state(existing.current_version) != self._row_state(row):
                if code in self.drafts:
                    self.issues.add(
                        row,
                        "code",
                        _("该事项有未发布的草稿（v%(n)d），请先在管理后台发布或处理后再导入")
                        % {"n": self.drafts[code]},
                    )
                self.changed.append(row)
            else:
                self.unchanged += 1

    def _row_state(self, row: Row) -> dict:
        v = row.values
        materials = sorted(self.materials.get(v["code"], []), key=lambda m: m.values["position"])
        return {
            "fields": {f: v[f] for f in VERSION_FIELDS},
            "materials": [tuple(m.values[f] for f in MATERIAL_FIELDS) for m in materials],
            "prerequisites": sorted(v["prerequisites"]),
        }

    def summary(self) -> ImportSummary:
        return ImportSummary(
            items_created=len(self.new),
            versions_published=len(self.new) + len(self.changed),
            items_unchanged=self.unchanged,
        )

    def _publish_order(self) -> list[Row]:
        """Prerequisites before the items that need them, so no publication meets a half-updated graph."""
        edges = self._prerequisite_graph()
        wanted = {row.values["code"]: row for row in [*self.new, *self.changed]}
        order: list[Row] = []
        done: set[str] = set()

        def visit(code: str) -> None:
            stack = [(code, iter(edges.get(code, [])))]
            done.add(code)
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    if node in wanted:
                        order.append(wanted[node])
                elif child not in done:
                    done.add(child)
                    stack.append((child, iter(edges.get(child, []))))

        for code in sorted(wanted):
            if code not in done:
                visit(code)
        return order

    def apply(self, actor) -> ImportSummary:
        summary = self.summary()
        summary.licence_types_saved = self._apply_licence_types(actor)
        for row in self.new:
            v = row.values
            self._guard(row, lambda v=v: item_create(actor=actor, code=v["code"], **{f: v[f] for f in ITEM_FIELDS}))
        items = {i.code: i for i in ServiceItem.objects.all()}
        licence_types = {lt.code: lt for lt in LicenceType.objects.all()}
        for row in self._publish_order():
            v = row.values
            item = items[v["code"]]
            fields = {f: v[f] for f in VERSION_FIELDS}
            fields["result_licence_type"] = licence_types.get(v["result_licence_type"])
            materials = [
                {
                    **{f: m.values[f] for f in MATERIAL_FIELDS},
                    "licence_type": licence_types.get(m.values["licence_type"]),
                }
                for m in sorted(self.materials.get(v["code"], []), key=lambda m: m.values["position"])
            ]
            prerequisites = [items[c] for c in v["prerequisites"]]

            def publish(item=item, fields=fields, materials=materials, prerequisites=prerequisites):
                draft = item_version_draft(actor=actor, item=item)
                item_version_update(
                    actor=actor, version=draft, materials=materials, prerequisites=prerequisites, **fields
                )
                item_version_publish(actor=actor, version=draft)

            self._guard(row, publish)
        summary.implementations_saved = self._apply_implementations(actor, items)
        summary.bundles_saved = self._apply_bundles(actor, items)
        return summary

    def _guard(self, row: Row, action: Callable[[], Any]) -> None:
        """Run one service call; its refusal becomes an issue on the row, and the whole import rolls back."""
        try:
            action()
        except PrerequisiteCycle as exc:
            raise CatalogImportFailed(
                [Issue(row.sheet, row.number, _label(row.sheet, "prerequisites"), exc.message)]
            ) from exc
        except DomainError as exc:
            keys = {c.key for c in SHEETS[row.sheet]}
            found = [
                Issue(row.sheet, row.number, _label(row.sheet, name) if name in keys else "", "；".join(msgs))
                for name, msgs in exc.fields.items()
            ]
            raise CatalogImportFailed(found or [Issue(row.sheet, row.number, "", exc.message)]) from exc

    def _apply_licence_types(self, actor) -> int:
        saved = []
        for code, row in self.licence_rows.items():
            values = {"name": row.values["name"], "validity_years": row.values["validity_years"]}
            current = self.licence_types.get(code)
            if current is None or any(getattr(current, f) != val for f, val in values.items()):
                licence = current or LicenceType(code=code)
                for field, value in values.items():
                    setattr(licence, field, value)
                reference_save(actor=actor, obj=licence, changed=list(values))
                saved.append(code)
        return len(saved)

    def _apply_implementations(self, actor, items: dict[str, ServiceItem]) -> int:
        current = {
            (impl.item.code, impl.department.code): impl
            for impl in ItemImplementation.objects.select_related("item", "department__region")
        }
        created, updated = [], []
        for row in self.implementations:
            v = row.values
            values = {f: v[f] for f in IMPLEMENTATION_FIELDS}
            impl = current.get((v["item"], v["department"]))
            if impl is None:
                impl = ItemImplementation(item=items[v["item"]], department=self.departments[v["department"]], **values)
                reference_save(actor=actor, obj=impl)
                created.append(impl.code)
            elif _implementation_values(impl) != values:
                for f, val in values.items():
                    setattr(impl, f, val)
                reference_save(actor=actor, obj=impl, changed=list(values))
                updated.append(impl.code)
        return len(created) + len(updated)

    def _apply_bundles(self, actor, items: dict[str, ServiceItem]) -> int:
        current = {b.code: b for b in Bundle.objects.prefetch_related("entries__item")}
        saved = 0
        for row in self.bundles:
            v = row.values
            wanted = {f: v[f] for f in ("code", *BUNDLE_FIELDS, "items")}
            bundle = current.get(v["code"])
            if bundle is not None and _bundle_values(bundle) == wanted:
                continue
            self._guard(
                row,
                lambda v=v: bundle_save(
                    actor=actor,
                    code=v["code"],
                    items=[items[c] for c in v["items"]],
                    **{f: v[f] for f in BUNDLE_FIELDS},
                ),
            )
            saved += 1
        return saved


def _display(obj, name: str) -> str:
    getter = getattr(obj, f"get_{name}_display", None)
    return str(getter()) if getter else str(getattr(obj, name))


def _version_state(version: ItemVersion) -> dict:
    fields = {f: getattr(version, f) for f in VERSION_FIELDS}
    fields["result_licence_type"] = version.result_licence_type.code if version.result_licence_type else ""
    for f, value in fields.items():
        if isinstance(value, str):
            fields[f] = value.strip()
    materials = [
        (
            m.name.strip(),
            m.required,
            m.form,
            m.source,
            m.licence_type.code if m.licence_type else "",
            m.shared_source.strip(),
            m.tolerable,
            m.commitment,
        )
        for m in sorted(version.materials.all(), key=lambda m: m.position)
    ]
    return {
        "fields": fields,
        "materials": materials,
        "prerequisites": sorted(p.code for p in version.prerequisites.all()),
    }

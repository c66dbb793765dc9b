"""The workbook's layout: its sheets and columns, how each kind of cell reads and writes, and the problems a
cell or a sheet reports."""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed

from ..forms_schema import check_schema
from ..models import (
    Bundle,
    ItemImplementation,
    MaterialSpec,
    ServiceItem,
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

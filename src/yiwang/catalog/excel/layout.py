"""The workbook's layout: its sheets and columns, and the kinds of cell only the catalog has (the general ones,
the headings, reading and writing are yiwang.core.excel's)."""

import json
import re
from functools import lru_cache

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed
from yiwang.core.excel import Boolean, CellError, Column, ImportFailed, Integer, Text

from ..forms_schema import check_schema
from ..models import (
    Bundle,
    ItemImplementation,
    MaterialSpec,
    ServiceItem,
)

ITEMS, MATERIALS, IMPLEMENTATIONS, BUNDLES, LICENCE_TYPES = "事项", "材料", "实施清单", "一件事", "证照类型"
CODE_SEPARATORS = re.compile(r"[、,，;；\s]+")


class CatalogImportFailed(ImportFailed):
    code = "catalog_import_failed"


# Column kinds the catalog alone has; the general ones (Text, Integer, Boolean) are in yiwang.core.excel.


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

"""A 食品经营许可 application form in the forms.yaml format, for the form machinery's tests: groups, identity
and contact prefill, a USCC typed by the applicant, checkboxes, and a field a condition requires."""

import pytest

from yiwang.catalog.models import ItemVersion
from yiwang.core.cache import cache_bump

SCRIPT = "<script>alert('xss')</script>"
SCHEMA = {
    "type": "object",
    "required": ["company", "uscc", "legal_rep", "phone", "mode", "area"],
    "properties": {
        "company": {"type": "string", "title": "申请单位名称", "x-group": "申请人信息", "x-prefill": "entity.name"},
        "uscc": {
            "type": "string",
            "title": "统一社会信用代码",
            "format": "uscc",
            "x-group": "申请人信息",
            "x-prefill": "entity.uscc",
        },
        "legal_rep": {
            "type": "string",
            "title": "法定代表人",
            "x-group": "申请人信息",
            "x-prefill": "entity.legal_representative",
        },
        "phone": {
            "type": "string",
            "title": "联系电话",
            "format": "phone",
            "x-group": "联系方式",
            "x-prefill": "user.phone",
        },
        "address": {
            "type": "string",
            "title": "经营场所",
            "maxLength": 200,
            "x-group": "联系方式",
            "x-prefill": "entity.address",
        },
        "mode": {
            "type": "string",
            "title": "主体业态",
            "description": f"按实际经营填写 {SCRIPT}",
            "enum": ["shop", "catering"],
            "enumTitles": ["食品销售经营者", "餐饮服务经营者"],
            "x-group": "经营信息",
        },
        "area": {"type": "number", "title": "经营场所面积（平方米）", "minimum": 1, "x-group": "经营信息"},
        "kitchen_area": {"type": "number", "title": "加工操作区面积（平方米）", "minimum": 1, "x-group": "经营信息"},
        "projects": {
            "type": "array",
            "title": "经营项目",
            "items": {"type": "string", "enum": ["prepacked", "bulk", "hot"]},
            "enumTitles": ["预包装食品销售", "散装食品销售", "热食类食品制售"],
            "uniqueItems": True,
            "x-group": "经营信息",
        },
        "supplier_uscc": {
            "type": "string",
            "title": "主要供货单位统一社会信用代码",
            "format": "uscc",
            "x-group": "经营信息",
        },
    },
    "allOf": [
        {
            "if": {"properties": {"mode": {"const": "catering"}}, "required": ["mode"]},
            "then": {"required": ["kitchen_area"]},
        }
    ],
}
EXAMPLE = {
    "company": "广州市海珠区示例餐饮有限公司",
    "uscc": "91440105MA59ABCD17",
    "legal_rep": "张三",
    "phone": "13800000000",
    "address": "广州市海珠区示例路 1 号",
    "mode": "catering",
    "area": 120,
    "kitchen_area": 40,
    "projects": ["hot"],
}
VALID_USCC = "91440105MA59ABCD17"
# Its check digit happens to be right: only the code's structure (division 345678 does not exist) refuses it.
LUCKY_USCC = "123456789012345678"


@pytest.fixture
def food_schema_installed(db, food_permit):
    """R005's current version carries the fixture form and its 样表 (set directly: tests only)."""
    ItemVersion.objects.filter(pk=food_permit.item.current_version_id).update(form_schema=SCHEMA, form_example=EXAMPLE)
    # update() sends no post_save: the per-process catalog cache must hear of the change (a service would tell it).
    cache_bump("catalog")
    food_permit.item.current_version.refresh_from_db()
    return food_permit


def answers(**changes) -> dict:
    """What an applicant types on the page: the fixture form's editable fields, valid."""
    data = {
        "phone": "13800000004",
        "address": "广州市海珠区南洲路 88 号",
        "mode": "catering",
        "area": "80",
        "kitchen_area": "30",
        "projects": ["hot"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}

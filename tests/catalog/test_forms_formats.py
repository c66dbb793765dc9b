"""The forms.yaml format: what check_schema accepts and refuses, formats (GB 32100, GB 11643), conditions,
prefill locking, grouping, and the loader that takes an item's own form over the generic one."""

import copy

import pytest
from django.http import QueryDict

from tests.form_fixtures import EXAMPLE, LUCKY_USCC, SCHEMA, VALID_USCC
from yiwang.catalog.forms_schema import (
    check_example,
    check_schema,
    prefill_values,
    schema_form,
    uscc_problem,
    validate_submission,
)
from yiwang.catalog.reference import ENTERPRISE_FORM, form_example_for, form_schema_for
from yiwang.core.errors import ValidationFailed


def _with(path_value: dict) -> dict:
    schema = copy.deepcopy(SCHEMA)
    for field, changes in path_value.items():
        schema["properties"][field].update(changes)
    return schema


def test_the_fixture_form_and_its_example_are_accepted():
    check_schema(SCHEMA)
    check_example(SCHEMA, EXAMPLE)
    assert validate_submission(SCHEMA, EXAMPLE) == EXAMPLE


@pytest.mark.parametrize(
    ("schema", "named"),
    [
        (_with({"phone": {"x-prefill": "user.password"}}), "phone"),
        (_with({"area": {"type": "object"}}), "area"),
        (_with({"uscc": {"format": "credit-code"}}), "uscc"),
        (_with({"area": {"format": "uscc"}}), "area"),
        (_with({"mode": {"widget": "radio"}}), "mode"),
        (_with({"projects": {"items": {"type": "integer", "enum": [1]}}}), "projects"),
        (_with({"projects": {"uniqueItems": False}}), "projects"),
        (_with({"mode": {"enumTitles": ["只有一个"]}}), "mode"),
        (
            {
                **SCHEMA,
                "allOf": [
                    {"if": {"properties": {"nope": {"const": 1}}, "required": ["nope"]}, "then": {"required": []}}
                ],
            },
            "nope",
        ),
        (
            {
                **SCHEMA,
                "allOf": [
                    {
                        "if": {"properties": {"mode": {"const": "shop"}}, "required": ["mode"]},
                        "then": {"required": ["ghost"]},
                    }
                ],
            },
            "ghost",
        ),
    ],
)
def test_anything_outside_the_format_is_refused_naming_the_field(schema, named):
    with pytest.raises(ValidationFailed) as exc:
        check_schema(schema)
    assert named in exc.value.fields["form_schema"][0]


def test_a_condition_of_another_shape_is_refused():
    schema = {
        **SCHEMA,
        "allOf": [{"if": {"properties": {"mode": {"minLength": 2}}, "required": ["mode"]}, "then": {"required": []}}],
    }
    with pytest.raises(ValidationFailed):
        check_schema(schema)
    schema = {
        **SCHEMA,
        "allOf": [{"if": {"properties": {"mode": {"const": "shop"}}}, "then": {"required": []}, "else": {}}],
    }
    with pytest.raises(ValidationFailed):
        check_schema(schema)


def test_an_example_that_does_not_fit_its_form_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        check_example(SCHEMA, {**EXAMPLE, "uscc": LUCKY_USCC})
    assert "统一社会信用代码" in exc.value.fields["form_example"][0]


def test_gb32100_the_check_digit_and_the_structure():
    assert uscc_problem(VALID_USCC) is None
    assert uscc_problem("91440106MA5CXY312D") is None  # the other demo enterprise
    assert "校验位" in uscc_problem(VALID_USCC[:-1] + "8")
    assert "行政区划" in uscc_problem(LUCKY_USCC)
    assert "登记管理部门" in uscc_problem("95440105MA59ABCD1T")  # 工商 registers no kind 5
    with pytest.raises(ValidationFailed) as exc:
        validate_submission(SCHEMA, {**EXAMPLE, "supplier_uscc": LUCKY_USCC})
    assert exc.value.fields["supplier_uscc"] == [
        "主要供货单位统一社会信用代码：统一社会信用代码中的行政区划代码不存在，请核对"
    ]
    assert validate_submission(SCHEMA, {**EXAMPLE, "supplier_uscc": VALID_USCC})


def test_gb11643_identity_numbers():
    schema = {"type": "object", "properties": {"id": {"type": "string", "title": "身份证号", "format": "id-number"}}}
    check_schema(schema)
    assert validate_submission(schema, {"id": "11010519491231002X"})
    with pytest.raises(ValidationFailed) as exc:
        validate_submission(schema, {"id": "110105194912310021"})
    assert "校验位" in exc.value.fields["id"][0]


def test_a_conditional_field_is_required_only_when_its_condition_holds():
    shop = {k: v for k, v in EXAMPLE.items() if k != "kitchen_area"} | {"mode": "shop"}
    assert validate_submission(SCHEMA, shop)
    with pytest.raises(ValidationFailed) as exc:
        validate_submission(SCHEMA, {**shop, "mode": "catering"})
    assert exc.value.fields == {"kitchen_area": ["此项为必填项"]}


def _post(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def test_the_rendered_form_groups_prefills_and_locks_identity(restaurant, enterprise_agent):
    prefill = prefill_values(entity=restaurant, user=enterprise_agent)
    form = schema_form(SCHEMA, prefill=prefill)
    assert [g["title"] for g in form.groups()] == ["申请人信息", "联系方式", "经营信息"]
    assert form.fields["uscc"].disabled and form.fields["company"].disabled and form.fields["legal_rep"].disabled
    assert not form.fields["address"].disabled  # contact details are a starting point, editable
    kitchen = next(r for g in form.groups() for r in g["rows"] if r["field"].name == "kitchen_area")
    assert kitchen["shown_when"] and kitchen["hidden"]

    posted = _post(
        company="冒名公司", uscc=LUCKY_USCC, phone="13800000004", mode="shop", area="50", projects=["bulk", "hot"]
    )
    form = schema_form(SCHEMA, posted, prefill=prefill)
    assert form.is_complete(), form.errors
    data = form.submission_data()
    assert data["company"] == restaurant.name and data["uscc"] == restaurant.uscc  # the posted ones are ignored
    assert data["projects"] == ["bulk", "hot"] and data["area"] == 50


def test_switched_off_conditional_fields_are_dropped_and_switched_on_ones_required(restaurant):
    prefill = prefill_values(entity=restaurant)
    shop = schema_form(SCHEMA, _post(phone="13800000004", mode="shop", area="50", kitchen_area="9"), prefill=prefill)
    assert shop.is_complete() and "kitchen_area" not in shop.submission_data()
    catering = schema_form(SCHEMA, _post(phone="13800000004", mode="catering", area="50"), prefill=prefill)
    assert not catering.is_complete()
    assert catering.errors["kitchen_area"] == ["此项为必填项"]
    shown = next(r for g in catering.groups() for r in g["rows"] if r["field"].name == "kitchen_area")
    assert not shown["hidden"]


def test_a_typed_uscc_is_checked_in_the_form_too(restaurant):
    form = schema_form(
        SCHEMA,
        _post(phone="13800000004", mode="shop", area="50", supplier_uscc=LUCKY_USCC),
        prefill=prefill_values(entity=restaurant),
    )
    assert not form.is_complete()
    assert "行政区划" in form.errors["supplier_uscc"][0]


def test_the_loader_takes_the_items_own_form_and_keeps_its_example():
    own = {"R005": {"schema": SCHEMA, "example": EXAMPLE}}
    assert form_schema_for("R005", "enterprise", own) is SCHEMA
    assert form_example_for("R005", own) == EXAMPLE
    assert form_schema_for("R006", "enterprise", own) is ENTERPRISE_FORM
    assert form_example_for("R006", own) == {}
    check_schema(ENTERPRISE_FORM)


def test_the_catalog_api_gives_the_form_and_its_example(client, food_schema_installed):
    version = client.get("/api/v1/items/R005").json()["version"]
    assert version["form_schema"] == SCHEMA and version["form_example"] == EXAMPLE

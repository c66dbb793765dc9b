"""The reference items' application forms (catalog/data/forms.yaml) against the format the platform renders.

Checked with jsonschema and python-stdnum alone, so the data stands on its own: every item has a form, every
form is a Draft 2020-12 schema that uses only the supported subset, and every filled sample (样表) passes its
own form, check digits included.
"""

import datetime as dt
import re
from importlib import resources

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from stdnum.cn import ric, uscc

from yiwang.catalog.reference import PERSON_ITEMS


def _data(name):
    return yaml.safe_load(resources.files("yiwang.catalog").joinpath(f"data/{name}").read_text("utf-8")) or {}


FORMS = _data("forms.yaml")
ITEMS = {row["ref"]: row for row in _data("reference_catalog.yaml")["items"]}
# Registrations that create the entity (and its code) an applicant would otherwise be identified by.
CREATES_ENTITY = {"R001", "R002", "R041"}

TOP_KEYS = {"type", "required", "properties", "allOf"}
FIELD_KEYS = {
    "type",
    "title",
    "description",
    "x-group",
    "x-prefill",
    "format",
    "enum",
    "enumTitles",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "pattern",
    "items",
    "uniqueItems",
}
TYPES = {"string", "integer", "number", "boolean", "array"}
FORMATS = {"uscc", "id-number", "date", "phone", "email"}
PREFILLS = {
    "person.name",
    "person.id_number",
    "person.phone",
    "entity.name",
    "entity.uscc",
    "entity.legal_representative",
    "entity.address",
    "entity.entity_type",
    "user.phone",
}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def _iso_date(value):
    dt.date.fromisoformat(value)
    return True


CHECKER = FormatChecker(formats=())
CHECKER.checks("uscc")(uscc.is_valid)
CHECKER.checks("id-number")(ric.is_valid)
CHECKER.checks("date", raises=ValueError)(_iso_date)
CHECKER.checks("phone")(lambda value: bool(PHONE.match(value)))
CHECKER.checks("email")(lambda value: bool(re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value)))


def _validator(schema):
    return Draft202012Validator(schema, format_checker=CHECKER)


def _field_problems(name, prop):
    problems = []
    if not IDENTIFIER.match(name):
        problems.append("bad field name")
    problems += [f"unsupported key {key}" for key in set(prop) - FIELD_KEYS]
    if prop.get("type") not in TYPES:
        problems.append(f"unsupported type {prop.get('type')}")
    if not prop.get("title"):
        problems.append("no title")
    if not prop.get("x-group"):
        problems.append("no x-group")
    if "format" in prop and prop["format"] not in FORMATS:
        problems.append(f"unsupported format {prop['format']}")
    if "x-prefill" in prop and prop["x-prefill"] not in PREFILLS:
        problems.append(f"unsupported x-prefill {prop['x-prefill']}")
    if prop.get("type") == "array":
        items = prop.get("items", {})
        if set(items) != {"type", "enum"} or items["type"] != "string":
            problems.append("array items must be {type: string, enum: [...]}")
        if prop.get("uniqueItems") is not True:
            problems.append("array without uniqueItems: true")
        if "enum" in prop:
            problems.append("array with enum on the array itself")
        if len(prop.get("enumTitles", [])) != len(items.get("enum", [])):
            problems.append("enumTitles and items.enum differ in length")
    else:
        if "items" in prop or "uniqueItems" in prop:
            problems.append("items/uniqueItems on a non-array")
        if "enumTitles" in prop and len(prop["enumTitles"]) != len(prop.get("enum", [])):
            problems.append("enumTitles and enum differ in length")
    return [f"{name}: {p}" for p in problems]


def _condition_problems(rule, properties):
    if set(rule) != {"if", "then"}:
        return [f"allOf entry has keys {sorted(rule)}"]
    cond, then = rule["if"], rule["then"]
    problems = []
    if set(cond) != {"properties", "required"} or len(cond["properties"]) != 1:
        return [f"if must name one field: {cond}"]
    ((field, test),) = cond["properties"].items()
    if cond["required"] != [field]:
        problems.append(f"if.required must be [{field}]")
    if field not in properties:
        problems.append(f"if names unknown field {field}")
    if not (set(test) == {"const"} or (set(test) == {"enum"} and isinstance(test["enum"], list))):
        problems.append(f"if on {field} must be const or enum")
    if set(then) != {"required"} or not then["required"]:
        problems.append(f"then must be {{required: [...]}}: {then}")
    problems += [f"then names unknown field {name}" for name in then.get("required", []) if name not in properties]
    return problems


def test_every_reference_item_has_a_form_and_nothing_else():
    assert set(FORMS) == set(ITEMS)


@pytest.mark.parametrize("ref", sorted(FORMS))
def test_form_uses_only_the_supported_format(ref):
    entry = FORMS[ref]
    assert set(entry) == {"schema", "example"}
    schema = entry["schema"]
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert set(schema) <= TOP_KEYS
    properties = schema["properties"]
    assert 6 <= len(properties) <= 20
    problems = [p for name, prop in properties.items() for p in _field_problems(name, prop)]
    problems += [p for rule in schema.get("allOf", []) for p in _condition_problems(rule, properties)]
    assert problems == []
    assert len(schema["required"]) == len(set(schema["required"]))
    assert set(schema["required"]) <= set(properties)


@pytest.mark.parametrize("ref", sorted(FORMS))
def test_groups_are_contiguous_and_contact_comes_last(ref):
    groups = [prop["x-group"] for prop in FORMS[ref]["schema"]["properties"].values()]
    runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    assert len(runs) == len(set(runs)), f"{ref}: a group is split: {runs}"
    assert runs[-1] == "联系信息"


@pytest.mark.parametrize("ref", sorted(FORMS))
def test_every_form_asks_for_a_contact(ref):
    properties = FORMS[ref]["schema"]["properties"]
    assert {"contact_name", "contact_phone"} <= set(FORMS[ref]["schema"]["required"])
    assert properties["contact_phone"]["format"] == "phone"
    assert properties["contact_phone"]["x-prefill"] in {"user.phone", "person.phone"}


@pytest.mark.parametrize("ref", sorted(set(ITEMS) - PERSON_ITEMS - CREATES_ENTITY))
def test_enterprise_forms_identify_the_applicant_from_the_register(ref):
    properties = FORMS[ref]["schema"]["properties"]
    assert properties["applicant_name"]["x-prefill"] == "entity.name"
    assert properties["uscc"]["format"] == "uscc"
    assert properties["uscc"]["x-prefill"] == "entity.uscc"
    assert {"applicant_name", "uscc"} <= set(FORMS[ref]["schema"]["required"])


@pytest.mark.parametrize("ref", sorted(PERSON_ITEMS))
def test_person_forms_identify_the_applicant_from_the_account(ref):
    properties = FORMS[ref]["schema"]["properties"]
    assert properties["applicant_name"]["x-prefill"] == "person.name"
    assert properties["id_number"]["format"] == "id-number"
    assert properties["id_number"]["x-prefill"] == "person.id_number"


@pytest.mark.parametrize("ref", sorted(CREATES_ENTITY))
def test_registrations_never_ask_for_the_code_they_create(ref):
    properties = FORMS[ref]["schema"]["properties"]
    assert "uscc" not in properties
    assert [name for name, prop in properties.items() if prop.get("format") == "uscc"] == []


@pytest.mark.parametrize("ref", ["R013", "R032"])
def test_birth_forms_ask_for_no_identity_number_of_the_child(ref):
    properties = FORMS[ref]["schema"]["properties"]
    identity_fields = {name: prop["title"] for name, prop in properties.items() if prop.get("format") == "id-number"}
    assert identity_fields
    assert [t for t in identity_fields.values() if any(w in t for w in ("新生儿", "出生人", "儿童"))] == []
    assert [name for name in identity_fields if name.startswith("child")] == []


@pytest.mark.parametrize("ref", sorted(FORMS))
def test_example_is_a_valid_filled_form(ref):
    schema, example = FORMS[ref]["schema"], FORMS[ref]["example"]
    assert set(example) <= set(schema["properties"])
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in _validator(schema).iter_errors(example)]
    assert errors == []


def test_format_checks_catch_a_wrong_check_digit():
    schema = FORMS["R005"]["schema"]
    example = dict(FORMS["R005"]["example"])
    flip = {"0": "1", "1": "0"}
    example["uscc"] = example["uscc"][:-1] + flip.get(example["uscc"][-1], "0")
    example["food_safety_manager_id"] = example["food_safety_manager_id"][:-1] + (
        "0" if example["food_safety_manager_id"][-1] != "0" else "1"
    )
    failed = {e.path[0] for e in _validator(schema).iter_errors(example)}
    assert failed == {"uscc", "food_safety_manager_id"}


def test_a_condition_makes_its_fields_required():
    schema = FORMS["R005"]["schema"]
    example = {**FORMS["R005"]["example"], "business_form": "canteen"}
    example.pop("canteen_type", None)
    errors = list(_validator(schema).iter_errors(example))
    assert [e.message for e in errors] == ["'canteen_type' is a required property"]

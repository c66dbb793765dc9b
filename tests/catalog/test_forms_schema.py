import pytest

from tests.case_fixtures import food_form
from yiwang.catalog.forms_schema import check_schema, schema_form, validate_submission
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import ValidationFailed


@pytest.fixture
def food_schema(db):
    return ServiceItem.objects.get(code="R005").current_version.form_schema


def test_every_reference_form_is_a_valid_schema(db):
    for version in ServiceItem.objects.values_list("current_version__form_schema", flat=True):
        check_schema(version)


def test_errors_are_given_per_field_all_at_once(food_schema):
    with pytest.raises(ValidationFailed) as exc:
        validate_submission(food_schema, {"uscc": "123", "contact_phone": "12"})
    fields = exc.value.fields
    assert {"applicant_name", "contact_name", "uscc", "contact_phone"} <= set(fields)
    assert fields["applicant_name"] == ["此项为必填项"]
    assert "统一社会信用代码" in fields["uscc"][0]


def test_valid_submission_passes(food_schema, restaurant):
    data = food_form(restaurant)
    assert validate_submission(food_schema, data) == data


def test_rendered_form_has_a_field_per_property(food_schema):
    form = schema_form(food_schema)
    assert set(form.fields) == set(food_schema["properties"])
    assert form.fields["applicant_name"].required
    assert form.fields["applicant_name"].label == "经营者名称"


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"x": {"type": "array"}}},
        {"type": "object", "properties": {"名称": {"type": "string"}}},
        {"type": "object", "required": ["missing"], "properties": {}},
        {"type": "object", "properties": {"x": {"type": "string", "maxLength": -1}}},
    ],
)
def test_unsupported_schemas_are_refused(schema):
    with pytest.raises(ValidationFailed):
        check_schema(schema)

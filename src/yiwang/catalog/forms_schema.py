"""Application forms defined as JSON Schema: checked on publish, rendered as a Django form, validated on submit.

Validation is `jsonschema`'s. The rendering is ours because the packages that render JSON Schema need a
JavaScript editor in the page; a citizen's form must work as plain server-rendered HTML. We render the
flat subset an application form needs: an object of string, integer, number, boolean and enum fields.
"""

import re

from django import forms
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from yiwang.core.errors import ValidationFailed

SUPPORTED_TYPES = {"string", "integer", "number", "boolean"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_schema(schema: dict) -> None:
    """Refuse a schema the platform cannot render or validate, naming the bad field."""
    if not schema:
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValidationFailed(
            fields={"form_schema": [_("申请表定义不是有效的 JSON Schema：%s") % exc.message]}
        ) from None
    if schema.get("type") != "object":
        raise ValidationFailed(fields={"form_schema": [_("申请表的根类型必须是 object")]})
    for name, prop in schema.get("properties", {}).items():
        if not _IDENTIFIER.match(name):
            raise ValidationFailed(fields={"form_schema": [_("字段名 %s 只能使用英文字母、数字和下划线") % name]})
        if prop.get("type") not in SUPPORTED_TYPES:
            raise ValidationFailed(fields={"form_schema": [_("字段 %s 的类型不受支持") % name]})
    missing = set(schema.get("required", [])) - set(schema.get("properties", {}))
    if missing:
        raise ValidationFailed(fields={"form_schema": [_("必填字段未定义：%s") % "、".join(sorted(missing))]})


def _field_for(prop: dict, required: bool) -> forms.Field:
    common = {"label": prop.get("title", ""), "help_text": prop.get("description", ""), "required": required}
    if "enum" in prop:
        choices = list(zip(prop["enum"], prop.get("enumTitles", prop["enum"]), strict=False))
        return forms.TypedChoiceField(
            choices=[("", "——"), *choices] if not required else choices,
            coerce=lambda v, t=prop["type"]: int(v) if t == "integer" else v,
            **common,
        )
    kind = prop["type"]
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if kind == "number":
        return forms.FloatField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if prop.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    widget = forms.Textarea(attrs={"rows": 3}) if prop.get("maxLength", 0) > 200 else None
    return forms.CharField(max_length=prop.get("maxLength"), min_length=prop.get("minLength"), widget=widget, **common)


def schema_form(schema: dict, data=None) -> forms.Form:
    required = set(schema.get("required", []))
    fields = {name: _field_for(prop, name in required) for name, prop in schema.get("properties", {}).items()}
    form_class = type("ApplicationForm", (forms.Form,), fields)
    return form_class(data=data)


def validate_submission(schema: dict, data: dict) -> dict:
    """Check submitted data against the schema; raise ValidationFailed with every field's errors at once."""
    errors: dict[str, list[str]] = {}
    properties = schema.get("properties", {})
    for err in Draft202012Validator(schema).iter_errors(data):
        if err.validator == "required":
            field = err.message.split("'")[1]
            errors.setdefault(field, []).append(_("此项为必填项"))
            continue
        field = ".".join(str(p) for p in err.absolute_path) or "__all__"
        title = properties.get(field, {}).get("title", field)
        errors.setdefault(field, []).append(_("%(title)s：%(reason)s") % {"title": title, "reason": _reason(err)})
    if errors:
        raise ValidationFailed(fields=errors)
    return data


def _reason(err) -> str:
    messages = {
        "type": _("类型不正确"),
        "enum": _("不是可选的值"),
        "maxLength": _("过长"),
        "minLength": _("过短"),
        "minimum": _("小于允许的最小值"),
        "maximum": _("大于允许的最大值"),
        "pattern": _("格式不正确"),
        "format": _("格式不正确"),
        "additionalProperties": _("含有未定义的字段"),
    }
    return messages.get(err.validator, err.message)

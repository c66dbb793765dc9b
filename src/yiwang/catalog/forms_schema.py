"""Application forms defined as JSON Schema: checked on publish, rendered as a Django form, validated on submit.

Validation is `jsonschema`'s. The rendering is ours because the packages that render JSON Schema need a
JavaScript editor in the page; a citizen's form must work as plain server-rendered HTML. We accept one
subset, and check_schema refuses anything outside it: an object of string, integer, number, boolean and checkbox-array fields,
grouped by `x-group`, prefilled by `x-prefill`, with `if/then` conditions in `allOf` that make fields
required (and shown) when another field has a given value.
"""

import datetime as dt
import json
import re

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from stdnum import numdb

from yiwang.accounts.identifiers import clean_identity_number, clean_uscc
from yiwang.core.errors import ValidationFailed

SUPPORTED_TYPES = {"string", "integer", "number", "boolean", "array"}
FORMATS = {"uscc", "id-number", "date", "phone", "email"}
PROPERTY_KEYS = {
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
ROOT_KEYS = {"$schema", "type", "title", "description", "required", "properties", "allOf", "additionalProperties"}
# Identity comes from the real-name account or the entity register and cannot be typed over; contact
# details are only a starting point the applicant may change.
LOCKED_PREFILL = {"person.name", "person.id_number", "entity.name", "entity.uscc", "entity.legal_representative"}
PREFILL_SOURCES = LOCKED_PREFILL | {
    "person.phone",
    "entity.address",
    "entity.entity_type",
    "user.phone",
}
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A group with no `x-group` of its own.
DEFAULT_GROUP = gettext_lazy("申请信息")
# Radio buttons up to this many choices; a select beyond, so a long list does not fill a phone screen.
RADIO_MAX = 4
# GB 32100 表1: the registration authority (first character) and the kinds of organisation it registers.
USCC_AUTHORITIES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _refuse(message: str) -> None:
    raise ValidationFailed(fields={"form_schema": [message]})


def uscc_problem(value: str) -> str | None:
    """Why this is not a 统一社会信用代码, or None. The check digit (python-stdnum) alone lets through strings
    like 123456789012345678 whose digit happens to match, so the code's structure is checked too: the
    registration authority and organisation kind (GB 32100 表1) and the division code (GB/T 2260)."""
    try:
        number = clean_uscc(value)
    except DjangoValidationError as exc:
        return exc.messages[0]
    kinds = USCC_AUTHORITIES.get(number[0], "")
    if number[1] not in kinds:
        return _("统一社会信用代码的登记管理部门或机构类别代码不正确，请核对")
    division = number[2:8]
    parts = numdb.get("cn/loc").info(division)
    if division != "100000" and not (len(parts) == 2 and parts[0][1] and parts[1][1]):
        return _("统一社会信用代码中的行政区划代码不存在，请核对")
    return None


def id_number_problem(value: str) -> str | None:
    try:
        clean_identity_number(value)
    except DjangoValidationError as exc:
        return exc.messages[0]
    return None


def _format_problem(fmt: str, value) -> str | None:
    if not isinstance(value, str):
        return None
    if fmt == "uscc":
        return uscc_problem(value)
    if fmt == "id-number":
        return id_number_problem(value)
    if fmt == "phone" and not PHONE.match(value):
        return _("应为手机号或带区号的固定电话")
    if fmt == "email" and not EMAIL.match(value):
        return _("电子邮箱格式不正确")
    if fmt == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return _("应为日期（年-月-日）")
    return None


FORMAT_CHECKER = FormatChecker(formats=())
for _fmt in FORMATS:
    FORMAT_CHECKER.checks(_fmt)(lambda value, f=_fmt: _format_problem(f, value) is None)


def conditions(schema: dict) -> list[tuple[str, list, list[str]]]:
    """Each `if/then` of the schema as (field, the values that switch it on, the fields it requires)."""
    found = []
    for rule in schema.get("allOf", []):
        ((field, test),) = rule["if"]["properties"].items()
        values = [test["const"]] if "const" in test else list(test["enum"])
        found.append((field, values, list(rule["then"]["required"])))
    return found


def conditional_fields(schema: dict) -> dict[str, list[tuple[str, list]]]:
    """Fields that only a condition requires, each with the conditions under which it is shown."""
    always = set(schema.get("required", []))
    shown: dict[str, list[tuple[str, list]]] = {}
    for field, values, required in conditions(schema):
        for name in required:
            if name not in always:
                shown.setdefault(name, []).append((field, values))
    return shown


def _check_property(name: str, prop: dict) -> None:
    if not _IDENTIFIER.match(name):
        _refuse(_("字段名 %s 只能使用英文字母、数字和下划线") % name)
    if not isinstance(prop, dict):
        _refuse(_("字段 %s 的定义必须是对象") % name)
    unknown = set(prop) - PROPERTY_KEYS
    if unknown:
        _refuse(_("字段 %(f)s 使用了不支持的关键字：%(k)s") % {"f": name, "k": "、".join(sorted(unknown))})
    kind = prop.get("type")
    if kind not in SUPPORTED_TYPES:
        _refuse(_("字段 %s 的类型不受支持") % name)
    if "format" in prop and (kind != "string" or prop["format"] not in FORMATS):
        _refuse(_("字段 %(f)s 的格式 %(v)s 不受支持") % {"f": name, "v": prop["format"]})
    if "x-prefill" in prop and prop["x-prefill"] not in PREFILL_SOURCES:
        _refuse(_("字段 %(f)s 的预填来源 %(v)s 不受支持") % {"f": name, "v": prop["x-prefill"]})
    if "x-group" in prop and not (isinstance(prop["x-group"], str) and prop["x-group"].strip()):
        _refuse(_("字段 %s 的分组名称不能为空") % name)
    for text in ("title", "description"):
        if text in prop and not isinstance(prop[text], str):
            _refuse(_("字段 %(f)s 的 %(k)s 必须是文字") % {"f": name, "k": text})
    enum = prop.get("items", {}).get("enum") if kind == "array" else prop.get("enum")
    if kind == "array":
        items = prop.get("items")
        if not (
            isinstance(items, dict) and set(items) == {"type", "enum"} and items["type"] == "string" and items["enum"]
        ):
            _refuse(_("多选字段 %s 只能是字符串选项列表（items 含 type: string 与 enum）") % name)
        if prop.get("uniqueItems") is not True:
            _refuse(_("多选字段 %s 须声明 uniqueItems: true") % name)
    elif "items" in prop or "uniqueItems" in prop:
        _refuse(_("只有多选字段可以使用 items / uniqueItems：%s") % name)
    if "enumTitles" in prop and (enum is None or len(prop["enumTitles"]) != len(enum)):
        _refuse(_("字段 %s 的 enumTitles 须与选项一一对应") % name)


def _check_conditions(schema: dict) -> None:
    properties = schema.get("properties", {})
    rules = schema.get("allOf", [])
    if not isinstance(rules, list):
        _refuse(_("allOf 必须是条件列表"))
    for rule in rules:
        shape_ok = (
            isinstance(rule, dict)
            and set(rule) == {"if", "then"}
            and isinstance(rule["if"], dict)
            and set(rule["if"]) == {"properties", "required"}
            and isinstance(rule["then"], dict)
            and set(rule["then"]) == {"required"}
            and isinstance(rule["if"]["properties"], dict)
            and len(rule["if"]["properties"]) == 1
        )
        if not shape_ok:
            _refuse(
                _("条件只支持 if: {properties: {字段: {const 或 enum}}, required: [字段]}, then: {required: [...]}")
            )
        ((field, test),) = rule["if"]["properties"].items()
        if field not in properties:
            _refuse(_("条件引用了未定义的字段：%s") % field)
        if rule["if"]["required"] != [field]:
            _refuse(_("条件字段 %s 须同时列在 if.required 中") % field)
        if not (isinstance(test, dict) and (set(test) == {"const"} or (set(test) == {"enum"} and test["enum"]))):
            _refuse(_("条件字段 %s 只能用 const 或 enum 比较") % field)
        unknown = [name for name in rule["then"]["required"] if name not in properties]
        if unknown:
            _refuse(_("条件要求了未定义的字段：%s") % "、".join(unknown))


def check_schema(schema: dict) -> None:
    """Refuse a schema the platform cannot render or validate, naming the bad field."""
    if not schema:
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        _refuse(_("申请表定义不是有效的 JSON Schema：%s") % exc.message)
    if schema.get("type") != "object":
        _refuse(_("申请表的根类型必须是 object"))
    unknown = set(schema) - ROOT_KEYS
    if unknown:
        _refuse(_("申请表使用了不支持的关键字：%s") % "、".join(sorted(unknown)))
    for name, prop in schema.get("properties", {}).items():
        _check_property(name, prop)
    missing = set(schema.get("required", [])) - set(schema.get("properties", {}))
    if missing:
        _refuse(_("必填字段未定义：%s") % "、".join(sorted(missing)))
    _check_conditions(schema)


def check_example(schema: dict, example: dict) -> None:
    """A 样表 must itself be a valid application, or it teaches applicants to fill the form wrongly."""
    if not example:
        return
    if not schema:
        raise ValidationFailed(fields={"form_example": [_("没有申请表，不能提供样表")]})
    try:
        validate_submission(schema, example)
    except ValidationFailed as exc:
        problems = [f"{name}：{'；'.join(msgs)}" for name, msgs in exc.fields.items()]
        raise ValidationFailed(fields={"form_example": [_("样表不符合申请表：%s") % " ".join(problems)]}) from None


class _FormatValidator:
    def __init__(self, fmt: str):
        self.fmt = fmt

    def __call__(self, value):
        problem = _format_problem(self.fmt, value)
        if problem:
            raise DjangoValidationError(problem)


def _choices(prop: dict) -> list[tuple]:
    values = prop["items"]["enum"] if prop["type"] == "array" else prop["enum"]
    return list(zip(values, prop.get("enumTitles", values), strict=False))


def _field_for(prop: dict, required: bool) -> forms.Field:
    common = {
        "label": prop.get("title", ""),
        "help_text": prop.get("description", ""),
        "required": required,
        "error_messages": {"required": _("此项为必填项")},  # the words the schema's own check uses
    }
    kind = prop["type"]
    if kind == "array":
        return forms.MultipleChoiceField(choices=_choices(prop), widget=forms.CheckboxSelectMultiple, **common)
    if "enum" in prop:
        choices = _choices(prop)
        radio = len(choices) <= RADIO_MAX
        if not radio:
            choices = [("", "——"), *choices]
        return forms.TypedChoiceField(
            choices=choices,
            coerce=lambda v, t=kind: int(v) if t == "integer" else (float(v) if t == "number" else v),
            widget=forms.RadioSelect if radio else forms.Select,
            empty_value=None,
            **common,
        )
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if kind == "number":
        return forms.FloatField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    fmt = prop.get("format")
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    validators = [RegexValidator(prop["pattern"], _("格式不正确"))] if "pattern" in prop else []
    if fmt in FORMATS:
        validators.append(_FormatValidator(fmt))
    attrs = {"inputmode": "tel"} if fmt == "phone" else ({"type": "email"} if fmt == "email" else {})
    if prop.get("maxLength", 0) > 200:
        widget = forms.Textarea(attrs={"rows": 3})
    else:
        widget = forms.EmailInput(attrs=attrs) if fmt == "email" else forms.TextInput(attrs=attrs)
    return forms.CharField(
        max_length=prop.get("maxLength"),
        min_length=prop.get("minLength"),
        validators=validators,
        widget=widget,
        **common,
    )


def display_value(prop: dict, value) -> str:
    """An answer as the applicant chose it: the option's title, not its stored code (餐饮服务经营者, not catering)."""
    if value is None or value == "" or value == []:
        return ""
    if prop.get("type") == "boolean":
        return str(_("是") if value else _("否"))
    if "enum" in prop or prop.get("type") == "array":
        names = dict(_choices(prop))
        chosen = value if isinstance(value, list) else [value]
        return "、".join(str(names.get(v, v)) for v in chosen)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def prefill_values(*, person=None, entity=None, user=None) -> dict[str, str]:
    """What the account and the entity register say, by `x-prefill` source; empty values left out."""
    values = {}
    if person is not None:
        values.update({"person.name": person.name, "person.id_number": person.id_number, "person.phone": person.phone})
    if entity is not None:
        values.update(
            {
                "entity.name": entity.name,
                "entity.uscc": entity.uscc,
                "entity.legal_representative": entity.legal_representative,
                "entity.address": entity.address,
                "entity.entity_type": entity.entity_type,
            }
        )
    if user is not None and getattr(user, "phone", ""):
        values["user.phone"] = user.phone
    return {source: value for source, value in values.items() if value}


def lock_prefilled(schema: dict, data: dict, prefill: dict[str, str]) -> dict:
    """The data with every identity field set from the register, whatever was posted for it."""
    locked = dict(data)
    for name, prop in schema.get("properties", {}).items():
        source = prop.get("x-prefill")
        if source in LOCKED_PREFILL and source in prefill:
            locked[name] = prefill[source]
    return locked


class ApplicationForm(forms.Form):
    """The item's form; knows its groups, its conditional fields and where each prefilled value came from."""

    schema: dict = {}

    def __init__(self, *args, prefill: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        prefill = prefill or {}
        self.shown_when = conditional_fields(self.schema)
        self.prefilled: dict[str, str] = {}
        for name, prop in self.schema.get("properties", {}).items():
            source = prop.get("x-prefill")
            if source not in prefill:
                continue
            field = self.fields[name]
            field.initial = prefill[source]
            if source in LOCKED_PREFILL:
                # A disabled field's value is its initial one: Django ignores whatever is posted for it.
                field.disabled = True
                self.initial[name] = prefill[source]
            self.prefilled[name] = source

    def groups(self) -> list[dict]:
        """Fieldsets in the order their first field appears, each with its bound fields."""
        groups: dict[str, list] = {}
        for name, prop in self.schema.get("properties", {}).items():
            groups.setdefault(prop.get("x-group") or str(DEFAULT_GROUP), []).append(self._row(name))
        return [{"title": title, "rows": rows} for title, rows in groups.items()]

    def _row(self, name: str) -> dict:
        source = self.prefilled.get(name, "")
        when = self.shown_when.get(name)
        return {
            "field": self[name],
            "locked": source in LOCKED_PREFILL,
            "source": source.split(".")[0] if source else "",
            "shown_when": json.dumps([[f, [str(v) for v in values]] for f, values in when], ensure_ascii=False)
            if when
            else "",
            "hidden": bool(when) and not self._holds(when),
        }

    def _value(self, name: str):
        field = self.fields[name]
        if self.is_bound and not field.disabled:
            return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name, field.initial)

    def _holds(self, when: list[tuple[str, list]]) -> bool:
        return any(str(self._value(field)) in {str(v) for v in values} for field, values in when)

    def is_complete(self) -> bool:
        """Django's checks, then the schema's (conditions, formats) on the fields that passed them, so every
        field's error is known in one round."""
        self.is_valid()
        for name, problems in submission_errors(self.schema, self.submission_data()).items():
            if name not in self.fields:
                self.add_error(None, problems)
            elif name not in self.errors:
                self.add_error(name, problems)
        return not self.errors

    def submission_data(self) -> dict:
        """The JSON the schema validates: fields that validated, empty and switched-off conditional ones left
        out, dates as ISO strings. Usable on an invalid form too (the desk records an incomplete one)."""
        cleaned = getattr(self, "cleaned_data", {})
        data = {}
        for name, value in cleaned.items():
            if value is None or value == "" or value == []:
                continue
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        return drop_switched_off(self.schema, data)


def drop_switched_off(schema: dict, data: dict) -> dict:
    """Conditional fields whose condition does not hold are not part of the application."""
    shown = conditional_fields(schema)
    return {
        name: value
        for name, value in data.items()
        if name not in shown or any(data.get(field) in values for field, values in shown[name])
    }


def schema_form(schema: dict, data=None, *, prefill=None, prefix=None, initial=None) -> ApplicationForm:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fields = {name: _field_for(prop, name in required) for name, prop in properties.items()}
    form_class = type("ApplicationForm", (ApplicationForm,), {**fields, "schema": schema})
    return form_class(data=data, prefill=prefill, prefix=prefix, initial=initial)


def validate_submission(schema: dict, data: dict) -> dict:
    """Check submitted data against the schema; raise ValidationFailed with every field's errors at once."""
    errors = submission_errors(schema, data)
    if errors:
        raise ValidationFailed(fields=errors)
    return data


def submission_errors(schema: dict, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    properties = schema.get("properties", {})
    for err in Draft202012Validator(schema, format_checker=FORMAT_CHECKER).iter_errors(data):
        if err.validator == "required":
            field = err.message.split("'")[1]
            errors.setdefault(field, []).append(_("此项为必填项"))
            continue
        field = str(err.absolute_path[0]) if err.absolute_path else "__all__"
        title = properties.get(field, {}).get("title", field)
        reason = _reason(err)
        if err.validator == "format":
            reason = _format_problem(err.validator_value, err.instance) or reason
        errors.setdefault(field, []).append(_("%(title)s：%(reason)s") % {"title": title, "reason": reason})
    return errors


def correction_points(schema: dict, errors: dict[str, list[str]]) -> list[str]:
    """Form errors as points of a 一次性告知书, naming each field by its label."""
    properties = schema.get("properties", {})
    points = []
    for name, problems in errors.items():
        title = properties.get(name, {}).get("title", name)
        for problem in problems:
            if name not in properties:
                points.append(_("申请表：%(r)s") % {"r": problem})
                continue
            reason = problem.split("：", 1)[1] if problem.startswith(f"{title}：") else problem
            points.append(_("申请表「%(t)s」：%(r)s") % {"t": title, "r": reason})
    return points


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
        "uniqueItems": _("选项重复"),
    }
    return messages.get(err.validator, err.message)

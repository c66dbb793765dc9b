"""Writes of the register and of the sharing API's bookkeeping.

The register takes an entity's particulars from the business-licence case. The catalog's enterprise form
holds only the applicant's name, USCC and address, so by convention the registration authority's decision
(case.result_data) carries the registered particulars and wins over the form:
    {"uscc", "name", "entity_type", "legal_representative", "address", "business_scope": [activity, …]}
A change registration (R003) carries only what changed; the entity is the case's applicant or its USCC.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application

from yiwang.accounts.identifiers import clean_uscc
from yiwang.accounts.models import Entity
from yiwang.cases.models import Case
from yiwang.core.audit import audit_record
from yiwang.core.errors import ValidationFailed
from yiwang.core.events import emit

from .models import AccessLog, EntityChange, RateWindow, SharingClient, validate_scopes

BUSINESS_LICENCE = "BIZ_LICENCE"
# Register field <- form field, where the form has one under another name.
FORM_FIELDS = {"uscc": "uscc", "name": "applicant_name", "address": "address"}
REGISTER_FIELDS = ("name", "entity_type", "legal_representative", "address", "business_scope")
REQUIRED_ON_REGISTRATION = ("name", "legal_representative")
# R002 registers an individual business; the others a company unless the decision names another type.
DEFAULT_ENTITY_TYPE = {"R002": "个体工商户"}


def issues_business_licence(case: Case) -> bool:
    licence_type = case.version.result_licence_type
    return licence_type is not None and licence_type.code == BUSINESS_LICENCE


def _particulars(case: Case) -> dict:
    form, result = case.form_data or {}, case.result_data or {}
    found = {}
    for field in ("uscc", *REGISTER_FIELDS):
        value = result.get(field)
        if value in (None, "", []) and field in FORM_FIELDS:
            value = form.get(FORM_FIELDS[field])
        if value in (None, "", []):
            continue
        if field == "business_scope":
            if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
                raise ValidationFailed(fields={"business_scope": [_("经营范围应为经营项目名称的列表")]})
            value = list(dict.fromkeys(a.strip() for a in value))
        elif not isinstance(value, str):
            raise ValidationFailed(fields={field: [_("应为文本")]})
        else:
            value = value.strip()
        found[field] = value
    return found


@transaction.atomic
def entity_register(*, actor, case: Case) -> Entity:
    """Create or update the register's entity from a granted business-licence case; once per case."""
    # The case row's lock makes a second delivery for the same case wait, then find the register entry.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("version__result_licence_type", "applicant_entity", "region", "item")
        .get(pk=case.pk)
    )
    if case.granted is not True or not issues_business_licence(case):
        raise ValidationFailed(fields={"case": [_("只有准予许可的营业执照办件才能登记市场主体")]})
    done = EntityChange.objects.filter(case=case).select_related("entity").first()
    if done is not None:
        return done.entity
    data = _particulars(case)
    uscc = case.applicant_entity.uscc if case.applicant_entity_id else data.get("uscc", "")
    try:
        uscc = clean_uscc(uscc)
    except ValidationError as exc:
        raise ValidationFailed(fields={"uscc": exc.messages}) from None
    data.pop("uscc", None)
    entity = Entity.objects.select_for_update().filter(uscc=uscc).first()
    if entity is None:
        missing = [f for f in REQUIRED_ON_REGISTRATION if not data.get(f)]
        if missing:
            raise ValidationFailed(fields={f: [_("设立登记必须载明此项")] for f in missing})
        data.setdefault("entity_type", DEFAULT_ENTITY_TYPE.get(case.item.code, "有限责任公司"))
        entity = Entity.objects.create(uscc=uscc, region=case.region, **data)
        kind, changes, event = EntityChange.Kind.REGISTERED, {"uscc": uscc, **data}, "entity.registered"
    else:
        changes = {f: [getattr(entity, f), v] for f, v in data.items() if getattr(entity, f) != v}
        for field, (_before, after) in changes.items():
            setattr(entity, field, after)
        if changes:
            entity.save(update_fields=list(changes))
        kind, event = EntityChange.Kind.UPDATED, "entity.updated"
    if case.channel == Case.Channel.ONLINE:
        entity.agents.add(case.submitted_by)
    EntityChange.objects.create(entity=entity, case=case, kind=kind, changes=changes)
    audit_record(actor=actor, action=f"entity.{kind}", target=entity, data={"case": case.number, "changes": changes})
    emit(event, {"uscc": uscc, "entity_id": entity.pk, "name": entity.name, "case": case.number, "changes": changes})
    return entity


def _minute(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


@transaction.atomic
def sharing_rate_take(*, client: SharingClient, now: dt.datetime | None = None) -> bool:
    """Count one request in the client's current minute; False when the minute's allowance is spent."""
    window = _minute(now or timezone.now())
    if connection.vendor == "postgresql":
        # Every read of a client updates this one row, and its lock lasts until commit: waiting for the WAL
        # flush would queue all the client's reads behind each other's fsync. A count lost in a crash is harmless.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    updated = RateWindow.objects.filter(client=client, minute=window).update(count=F("count") + 1)
    if not updated:
        RateWindow.objects.filter(client=client, minute__lt=window).delete()
        try:
            with transaction.atomic():
                RateWindow.objects.create(client=client, minute=window, count=1)
        except IntegrityError:
            RateWindow.objects.filter(client=client, minute=window).update(count=F("count") + 1)
    count = RateWindow.objects.filter(client=client, minute=window).values_list("count", flat=True).get()
    return count <= client.rate_per_minute


def sharing_read_log(*, client: SharingClient, store: str, subject: str, purpose: str, outcome: str, fields=()):
    """One row per read or refused read. Not on the audit chain: reads change nothing, and the chain's single
    head would serialise every read of every client behind one lock."""
    return AccessLog.objects.create(
        client=client, store=store, subject=subject[:18], purpose=purpose[:200], outcome=outcome, fields=list(fields)
    )


def _checked_scopes(scopes) -> dict:
    try:
        validate_scopes(scopes)
    except ValidationError as exc:
        raise ValidationFailed(fields={"scopes": exc.messages}) from None
    return {store: list(dict.fromkeys(fields)) for store, fields in scopes.items()}


@transaction.atomic
def sharing_client_register(
    *, actor, name: str, department, scopes: dict, rate_per_minute: int = 60
) -> tuple[SharingClient, str, str]:
    """A department system's OAuth2 application (client credentials) and its sharing scope.

    Returns (client, client_id, client_secret); the secret is stored hashed and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("请填写系统名称")]})
    if rate_per_minute < 1:
        raise ValidationFailed(fields={"rate_per_minute": [_("每分钟请求上限至少为 1")]})
    scopes = _checked_scopes(scopes)
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    client = SharingClient.objects.create(
        application=application, name=name, department=department, scopes=scopes, rate_per_minute=rate_per_minute
    )
    audit_record(
        actor=actor,
        action="sharing_client.register",
        target=client,
        data={"client_id": application.client_id, "department": department.pk, "scopes": scopes},
    )
    return client, application.client_id, secret


@transaction.atomic
def sharing_client_update(
    *,
    actor,
    client: SharingClient,
    scopes: dict | None = None,
    rate_per_minute: int | None = None,
    active: bool | None = None,
) -> SharingClient:
    client = SharingClient.objects.select_for_update().get(pk=client.pk)
    changes = {}
    if scopes is not None:
        changes["scopes"] = _checked_scopes(scopes)
    if rate_per_minute is not None:
        if rate_per_minute < 1:
            raise ValidationFailed(fields={"rate_per_minute": [_("每分钟请求上限至少为 1")]})
        changes["rate_per_minute"] = rate_per_minute
    if active is not None:
        changes["active"] = active
    for field, value in changes.items():
        setattr(client, field, value)
    if changes:
        client.save(update_fields=list(changes))
        audit_record(actor=actor, action="sharing_client.update", target=client, data=changes)
    return client

"""A refusal names its reason in a stable sub-code beside the error's code, so a client can act on it without
reading the Chinese message: a credit refusal and a missing material are both 422 validation_failed, told apart
by `subcode`."""

import datetime as dt

from django.test import Client

from tests.case_fixtures import PDF, form_for
from tests.cases.test_api_cases import bearer, post, upload
from yiwang.catalog.models import ItemImplementation
from yiwang.credit.services import credit_record_add
from yiwang.org.models import Department


def _body(client, headers, construction, entity, *, commit: str = "", leave_out: str = "") -> dict:
    """An online construction-permit application: every applicant material uploaded (including the
    规划许可证 the restaurant holds no e-licence for), `commit` replaced by a written commitment."""
    version = construction.item.current_version
    materials, commitments = [], []
    for spec in version.materials.all():
        if spec.name == commit:
            commitments.append(spec.pk)
            continue
        if spec.name == leave_out or (spec.source != "applicant" and spec.name != "建设工程规划许可证"):
            continue
        key = upload(client, headers, PDF + spec.name.encode()).json()["key"]
        materials.append({"spec": spec.pk, "key": key, "filename": f"{spec.name}.pdf"})
    return {
        "implementation": construction.code,
        "entity": entity.uscc,
        "form": form_for(construction, entity=entity),
        "materials": materials,
        "commitments": commitments,
    }


def test_a_client_tells_a_credit_refusal_from_a_missing_material_by_subcode(
    monday, enterprise_agent, restaurant, clerk
):
    client = Client()
    agent, desk = bearer(enterprise_agent), bearer(clerk)
    construction = ItemImplementation.objects.get(code="R015-440105")
    funds = "建设资金落实证明"

    missing = post(
        client,
        "/api/v1/cases",
        {**agent, "Idempotency-Key": "missing"},
        _body(client, agent, construction, restaurant, leave_out=funds),
    )
    assert missing.status_code == 422, missing.content
    assert missing.json()["error"]["code"] == "validation_failed"
    assert missing.json()["error"]["subcode"] == "material_missing"

    submitted = post(
        client,
        "/api/v1/cases",
        {**agent, "Idempotency-Key": "committed"},
        _body(client, agent, construction, restaurant, commit=funds),
    )
    assert submitted.status_code == 201, submitted.content
    credit_record_add(
        actor=None,
        entity=restaurant,
        list_kind="serious",
        department=Department.objects.get(region__code="440105", kind="SAMR"),
        basis="《国务院关于建立完善守信联合激励和失信联合惩戒制度的指导意见》",
        reason="严重失信 测试事由",
        starts_on=dt.date(2026, 1, 5),
    )
    refused = post(client, f"/api/v1/cases/{submitted.json()['number']}/accept", desk)
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "validation_failed"
    assert refused.json()["error"]["subcode"] == "credit_denies_tolerance"

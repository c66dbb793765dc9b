"""行政处罚: a penalty becomes a credit record; one that revokes a licence revokes it and tells its issuer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.coordination.licensing import grant_business_licence
from yiwang.accounts.models import User
from yiwang.core.audit import audit_verify
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.models import Event, Notification
from yiwang.credit.models import CreditRecord
from yiwang.licences.models import Licence
from yiwang.org.models import Department
from yiwang.supervision import services
from yiwang.supervision.models import Penalty

D = dt.date


@pytest.fixture
def biz_licence(monday, new_shop, enterprise_agent, clerk, samr_reviewer, django_capture_on_commit_callbacks):
    grant_business_licence(
        new_shop,
        agent=enterprise_agent,
        clerk=clerk,
        samr_reviewer=samr_reviewer,
        capture=django_capture_on_commit_callbacks,
    )
    return Licence.objects.get(holder_entity=new_shop, licence_type__code="BIZ_LICENCE")


@pytest.fixture
def urban_inspector(db):
    return User.objects.get(username="hz-urban-inspector")


@pytest.fixture
def urban(db):
    return Department.objects.get(region__code="440105", kind="URBAN")


def _penalty(**overrides):
    values = {
        "number": "海综执罚〔2026〕101号",
        "facts": "无证经营且拒不改正",
        "legal_basis": "《无证无照经营查处办法》第十三条",
        "kinds": ["fine"],
        "amount": "5000",
        "decided_on": D(2026, 11, 24),
    }
    return {**values, **overrides}


def test_a_penalty_with_revocation_revokes_the_licence_and_lists_the_entity(
    biz_licence, new_shop, urban_inspector, urban, samr_reviewer
):
    penalty = services.penalty_record(
        actor=urban_inspector, entity=new_shop, department=urban, revoke_licence=biz_licence, **_penalty()
    )
    assert penalty.kinds == ["fine", "revoke_licence"] and penalty.amount == Decimal("5000")
    biz_licence.refresh_from_db()
    assert biz_licence.status == Licence.Status.REVOKED
    assert penalty.number in biz_licence.status_reason
    record = CreditRecord.objects.get(entity=new_shop)
    assert record.list_kind == "serious" and record.department == urban
    assert record.source == penalty
    assert (record.starts_on, record.ends_on) == (D(2026, 11, 24), D(2029, 11, 24))
    # The issuing department (市场监管) hears that its licence was taken away.
    assert Notification.objects.filter(user=samr_reviewer, title__contains=biz_licence.number).exists()
    recorded = Event.objects.get(type="penalty.recorded")
    assert recorded.payload["licence"] == biz_licence.number and recorded.payload["credit_record_id"] == record.pk
    assert Event.objects.filter(type="licence.revoked", payload__licence=biz_licence.number).exists()
    ok, message = audit_verify()
    assert ok, message


def test_a_plain_penalty_goes_on_the_abnormal_list(new_shop, urban_inspector, urban):
    services.penalty_record(
        actor=urban_inspector, entity=new_shop, department=urban, **_penalty(kinds=["warning"], amount=None)
    )
    record = CreditRecord.objects.get(entity=new_shop)
    assert record.list_kind == "abnormal" and record.ends_on is None


def test_bad_penalties_change_nothing(biz_licence, new_shop, restaurant, urban_inspector, urban, samr_reviewer):
    with pytest.raises(ValidationFailed) as fine:
        services.penalty_record(actor=urban_inspector, entity=new_shop, department=urban, **_penalty(amount=None))
    assert "amount" in fine.value.fields
    with pytest.raises(ValidationFailed) as missing:
        services.penalty_record(
            actor=urban_inspector, entity=new_shop, department=urban, **_penalty(kinds=["revoke_licence"])
        )
    assert "licence" in missing.value.fields
    with pytest.raises(ValidationFailed) as not_theirs:
        services.penalty_record(
            actor=urban_inspector, entity=restaurant, department=urban, revoke_licence=biz_licence, **_penalty()
        )
    assert "licence" in not_theirs.value.fields
    with pytest.raises(NotFound):  # a reviewer is not a law-enforcement officer
        services.penalty_record(actor=samr_reviewer, entity=new_shop, department=urban, **_penalty())
    with pytest.raises(NotFound):  # nor does one department's inspector decide for another
        services.penalty_record(
            actor=User.objects.get(username="hz-samr-inspector"), entity=new_shop, department=urban, **_penalty()
        )
    assert not Penalty.objects.exists() and not CreditRecord.objects.filter(entity=new_shop).exists()
    biz_licence.refresh_from_db()
    assert biz_licence.status == Licence.Status.VALID


def test_the_staff_page_records_a_penalty(biz_licence, new_shop, urban_inspector, urban, client):
    client.force_login(urban_inspector)
    url = reverse("supervision:penalties")
    form = {
        "department": urban.pk,
        "uscc": new_shop.uscc,
        "number": "海综执罚〔2026〕102号",
        "facts": "超范围经营",
        "legal_basis": "《行政处罚法》第二十八条",
        "kinds": ["fine"],
        "decided_on": "2026-11-24",
    }
    bad = client.post(url, form)
    assert bad.status_code == 422 and "罚款金额" in bad.content.decode()
    assert client.post(url, {**form, "amount": "2000", "licence": biz_licence.number}).status_code == 302
    biz_licence.refresh_from_db()
    assert biz_licence.status == Licence.Status.REVOKED
    assert "海综执罚〔2026〕102号" in client.get(url).content.decode()
    client.force_login(User.objects.get(username="hz-health-inspector"))
    assert "海综执罚〔2026〕102号" not in client.get(url).content.decode()

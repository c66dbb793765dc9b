"""Issue on grant, verify (valid / altered / expired / revoked / unknown), revoke and cancel, remind renewals."""

import datetime as dt

import pytest

from tests.case_fixtures import form_for, uploads_for
from yiwang.cases import services as case_services
from yiwang.cases.models import CaseMaterial
from yiwang.catalog.models import ItemImplementation
from yiwang.core.audit import audit_verify
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import Event, Notification
from yiwang.licences import services
from yiwang.licences.models import Licence
from yiwang.licences.selectors import licence_verify, usable_licence


def test_a_granted_case_issues_its_licence_once(licence, in_review, restaurant):
    assert licence.number == f"{in_review.department.region.code}-{licence.issued_on.year}-SPJY-000001"
    assert licence.holder_entity == restaurant and licence.department == in_review.department
    assert licence.issued_on == dt.date(2026, 11, 23) and licence.valid_until == dt.date(2031, 11, 22)
    assert licence.data["holder_name"] == restaurant.name
    event = Event.objects.get(type="licence.issued")
    assert event.payload == {
        "licence": licence.number,
        "licence_id": licence.pk,
        "licence_type": "FOOD_BIZ",
        "holder_uscc": restaurant.uscc,
        "case": in_review.number,
        "department_id": licence.department_id,
    }
    assert Notification.objects.filter(user__username="enterprise", title__contains="食品经营许可证").exists()
    in_review.refresh_from_db()
    assert services.licence_issue(actor=None, case=in_review) == licence  # a replayed grant issues nothing new
    assert Licence.objects.filter(case=in_review).count() == 1
    ok, message = audit_verify()
    assert ok, message


def test_verification_answers_valid_and_unknown(licence):
    result = licence_verify(licence.number)
    assert result.status == "valid" and result.licence == licence
    assert licence_verify(licence.number, digest=licence.digest).status == "valid"
    assert licence_verify("FOOD_BIZ-NOPE").status == "unknown"


def test_a_licence_altered_by_one_byte_is_reported_altered(licence):
    Licence.objects.filter(pk=licence.pk).update(
        data={**licence.data, "holder_name": licence.data["holder_name"] + "1"}
    )
    assert licence_verify(licence.number).status == "altered"


def test_a_longer_validity_written_into_the_row_is_altered(licence):
    Licence.objects.filter(pk=licence.pk).update(valid_until=dt.date(2041, 11, 22))
    assert licence_verify(licence.number).status == "altered"


def test_a_forged_signature_is_altered(licence):
    signature = bytearray(bytes(licence.signature))
    signature[-1] ^= 0x01
    Licence.objects.filter(pk=licence.pk).update(signature=bytes(signature))
    assert licence_verify(licence.number).status == "altered"


def test_a_printed_digest_that_differs_is_altered(licence):
    assert licence_verify(licence.number, digest="0" * 64).status == "altered"


def test_an_expired_licence(licence):
    result = licence_verify(licence.number, on=dt.date(2031, 11, 23))
    assert result.status == "expired" and "2031-11-22" in result.message
    assert licence_verify(licence.number, on=dt.date(2031, 11, 22)).status == "valid"


def test_revocation_with_reason_date_event_and_the_holder_told(licence, samr_reviewer, monday):
    revoked = services.licence_revoke(
        actor=samr_reviewer, licence=licence, reason="无证经营被查处", basis="《食品安全法》第一百二十二条"
    )
    result = licence_verify(licence.number)
    assert result.status == "revoked" and result.reason == "无证经营被查处"
    assert result.changed_at == revoked.status_changed_at is not None
    event = Event.objects.get(type="licence.revoked")
    assert event.payload["licence"] == licence.number and event.payload["reason"] == "无证经营被查处"
    assert Notification.objects.filter(user__username="enterprise", title__contains="吊销").exists()
    with pytest.raises(InvalidTransition):
        services.licence_cancel(actor=samr_reviewer, licence=licence, reason="再注销")


def test_status_changes_need_a_reason_and_the_issuing_department(licence, samr_reviewer, health_reviewer):
    with pytest.raises(ValidationFailed):
        services.licence_revoke(actor=samr_reviewer, licence=licence, reason=" ")
    with pytest.raises(NotFound):
        services.licence_annul(actor=health_reviewer, licence=licence, reason="越权")
    services.licence_cancel(actor=samr_reviewer, licence=licence, reason="主体申请注销")
    assert licence_verify(licence.number).status == "cancelled"


def test_usable_licence_says_why_not(licence, restaurant, samr_reviewer):
    found, reason = usable_licence(licence_type=licence.licence_type, entity=restaurant)
    assert found == licence and reason == ""
    found, reason = usable_licence(licence_type=licence.licence_type, entity=restaurant, on=dt.date(2032, 1, 1))
    assert found is None and licence.number in reason and "期满" in reason
    services.licence_revoke(actor=samr_reviewer, licence=licence, reason="无证经营被查处")
    found, reason = usable_licence(licence_type=licence.licence_type, entity=restaurant)
    assert found is None and "已吊销" in reason and "无证经营被查处" in reason


def test_renewal_is_reminded_once_45_days_before_expiry(licence):
    assert services.licence_renewal_remind(today=dt.date(2031, 10, 7)) == 0  # 46 days before
    assert services.licence_renewal_remind(today=dt.date(2031, 10, 8)) == 1
    reminder = Notification.objects.filter(user__username="enterprise", title__contains="请办理延续").get()
    assert "2031-10-23" in reminder.body  # apply 30 days before expiry (第五十条)
    assert services.licence_renewal_remind(today=dt.date(2031, 10, 9)) == 0


# --- materials nobody hands in again ---------------------------------------------------------------


def _apply_for_change(enterprise_agent, restaurant):
    """食品经营许可（变更）: asks for the 食品经营许可证 as material "licence:FOOD_BIZ"."""
    change = ItemImplementation.objects.get(code="R006-440105")
    return case_services.case_submit(
        actor=enterprise_agent,
        implementation=change,
        entity=restaurant,
        form_data=form_for(change, entity=restaurant),
        uploads=uploads_for(change),
    )


def test_a_later_application_draws_the_licence_in(licence, enterprise_agent, restaurant):
    case = _apply_for_change(enterprise_agent, restaurant)
    drawn = case.materials.get(spec__name="食品经营许可证")
    assert drawn.provided == CaseMaterial.Provided.LICENCE and drawn.licence == licence
    assert licence.number in drawn.note and not drawn.file_key


def test_a_revoked_licence_is_not_accepted_as_material(licence, enterprise_agent, restaurant, samr_reviewer):
    services.licence_revoke(actor=samr_reviewer, licence=licence, reason="无证经营被查处")
    with pytest.raises(ValidationFailed) as refused:
        _apply_for_change(enterprise_agent, restaurant)
    (message,) = refused.value.fields["materials"]
    assert licence.number in message and "已吊销" in message and "无证经营被查处" in message


def test_an_expired_licence_is_not_accepted_as_material(licence, enterprise_agent, restaurant, monday):
    monday.move_to(dt.datetime(2031, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    with pytest.raises(ValidationFailed) as refused:
        _apply_for_change(enterprise_agent, restaurant)
    (message,) = refused.value.fields["materials"]
    assert licence.number in message and "期满" in message

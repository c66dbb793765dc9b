"""双告知 end to end: a business licence with 餐饮服务 and 卷烟零售 → notices to the food and tobacco departments →
claim → an unclaimed notice turns yellow, then red, and reaches the supervisors."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.case_fixtures import MONDAY
from tests.coordination.licensing import grant_business_licence
from yiwang.accounts.models import User
from yiwang.coordination import selectors, services
from yiwang.coordination.models import ClaimNotice, DualNotification
from yiwang.core.audit import audit_verify
from yiwang.core.errors import Conflict, NotFound
from yiwang.core.events import deliver_event
from yiwang.core.models import Event, Notification
from yiwang.licences.models import Licence

D = dt.date


@pytest.fixture
def told(monday, new_shop, enterprise_agent, clerk, samr_reviewer, django_capture_on_commit_callbacks):
    grant_business_licence(
        new_shop,
        agent=enterprise_agent,
        clerk=clerk,
        samr_reviewer=samr_reviewer,
        capture=django_capture_on_commit_callbacks,
    )
    return DualNotification.objects.get(entity=new_shop)


def _notices(notification):
    return {n.department.kind: n for n in notification.notices.select_related("department__region", "item")}


@pytest.fixture
def tobacco_reviewer(db):
    return User.objects.get(username="hz-tobacco-reviewer")


def test_a_business_licence_notifies_the_food_and_tobacco_departments(told, new_shop, samr_reviewer, tobacco_reviewer):
    licence = Licence.objects.get(holder_entity=new_shop, licence_type__code="BIZ_LICENCE")
    assert told.licence_number == licence.number
    notices = _notices(told)
    assert set(notices) == {"SAMR", "TOBACCO"}  # 日用百货销售 needs no permit
    assert notices["SAMR"].item.code == "R005" and notices["SAMR"].activities == ["餐饮服务"]
    assert notices["TOBACCO"].item.code == "R061" and notices["TOBACCO"].activities == ["卷烟零售"]
    for notice in notices.values():
        assert notice.department.region.code == "440105"
        assert notice.issued_on == D(2026, 11, 23)
        assert notice.due_on == D(2026, 11, 30)  # five working days after Monday: Tue … Fri, Mon
        assert notice.warning == "green" and not notice.claimed
    assert Notification.objects.filter(user=samr_reviewer, title__contains=new_shop.name).exists()
    assert Notification.objects.filter(user=tobacco_reviewer, title__contains=new_shop.name).exists()
    assert Event.objects.filter(type="claim_notice.issued").count() == 2


def test_the_applicant_is_told_which_permits_to_apply_for(told, new_shop, enterprise_agent, citizen, client):
    message = Notification.objects.get(
        user=enterprise_agent, url=reverse("coordination:told", args=[told.licence_number])
    )
    assert "食品经营许可" in message.body and "烟草专卖零售许可证" in message.body
    client.force_login(enterprise_agent)
    page = client.get(message.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("cases:apply", args=["R005-440105"]) in html
    assert reverse("cases:apply", args=["R061-440105"]) in html
    assert "开便利店一件事" in html and reverse("portal:bundle", args=["B03"]) in html
    client.force_login(citizen)
    assert client.get(message.url).status_code == 404  # not the citizen's business


def test_redelivery_and_a_repeated_call_notify_once(told, new_shop):
    event = Event.objects.get(type="licence.issued", payload__holder_uscc=new_shop.uscc)
    event.deliveries.all().delete()
    deliver_event.call(str(event.pk))
    assert services.dual_notify(entity=new_shop, licence_number=told.licence_number) == told
    assert ClaimNotice.objects.filter(entity=new_shop).count() == 2


def test_the_department_claims_and_outsiders_cannot(told, samr_reviewer, health_reviewer, tianhe_reviewer, client):
    notice = _notices(told)["SAMR"]
    for outsider in (health_reviewer, tianhe_reviewer):
        with pytest.raises(NotFound):
            services.notice_claim(actor=outsider, notice=notice)
    client.force_login(samr_reviewer)
    response = client.post(reverse("coordination:claim", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.claimed and notice.claimed_by == samr_reviewer
    with pytest.raises(Conflict):
        services.notice_claim(actor=samr_reviewer, notice=notice)
    # The tobacco department's notice is not the food department's to see.
    page = client.get(reverse("coordination:claims")).content.decode()
    assert "烟草专卖零售许可证" not in page


def test_an_unclaimed_notice_turns_yellow_then_red_and_reaches_the_supervisors(
    told, samr_reviewer, tobacco_reviewer, supervisor, client
):
    notices = _notices(told)
    services.notice_claim(actor=samr_reviewer, notice=notices["SAMR"])
    assert services.claim_sweep(today=D(2026, 11, 26)) == {"warnings_changed": 0, "escalated": 0}
    assert services.claim_sweep(today=D(2026, 11, 27)) == {"warnings_changed": 1, "escalated": 0}  # 4 of 5 days
    notices["TOBACCO"].refresh_from_db()
    assert notices["TOBACCO"].warning == "yellow"
    assert not Notification.objects.filter(user=supervisor, title__contains="认领超期").exists()

    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):  # Tuesday 1 December: past due
        assert services.claim_sweep() == {"warnings_changed": 1, "escalated": 1}
        assert services.claim_sweep() == {"warnings_changed": 0, "escalated": 0}  # escalated once
    notices["TOBACCO"].refresh_from_db()
    notices["SAMR"].refresh_from_db()
    assert notices["TOBACCO"].warning == "red" and notices["SAMR"].warning == "green"
    alert = Notification.objects.get(user=supervisor, title__contains="认领超期")
    assert "烟草专卖局" in alert.body
    assert Notification.objects.filter(user__username="gz-supervisor", title__contains="认领超期").exists()
    assert Event.objects.filter(type="claim_notice.overdue", payload__notice_id=notices["TOBACCO"].pk).count() == 1

    client.force_login(tobacco_reviewer)
    page = client.get(reverse("coordination:claims"))
    assert page.status_code == 200
    assert "红色·超期" in page.content.decode()
    ok, message = audit_verify()
    assert ok, message


def test_claimed_entities_without_the_permit_after_30_days_are_listed(told, samr_reviewer, client):
    notice = _notices(told)["SAMR"]
    services.notice_claim(actor=samr_reviewer, notice=notice)
    assert not selectors.lacking_permit(samr_reviewer, today=D(2026, 12, 22)).exists()  # 29 days
    assert list(selectors.lacking_permit(samr_reviewer, today=D(2026, 12, 23))) == [notice]
    with time_machine.travel(MONDAY + dt.timedelta(days=31), tick=False):
        client.force_login(samr_reviewer)
        page = client.get(reverse("coordination:claims")).content.decode()
    lacking = page.split('id="lacking-permit"')[1].split("</table>")[0]
    assert told.entity.name in lacking


def test_a_licence_of_another_type_or_without_scope_rules_notifies_nobody(db, restaurant):
    assert services.dual_notify(entity=restaurant, licence_number="X-1") is not None  # 餐饮服务, 食品销售
    restaurant.business_scope = ["软件开发"]
    assert services.dual_notify(entity=restaurant, licence_number="X-2") is None


def test_the_api_lists_and_claims(told, samr_reviewer, health_reviewer, client):
    notice = _notices(told)["SAMR"]
    client.force_login(health_reviewer)
    assert client.get("/api/v1/claim-notices").json()["count"] == 0
    assert client.post(f"/api/v1/claim-notices/{notice.pk}/claim").status_code == 404
    client.force_login(samr_reviewer)
    listed = client.get("/api/v1/claim-notices").json()
    assert [n["id"] for n in listed["items"]] == [notice.pk]
    claimed = client.post(f"/api/v1/claim-notices/{notice.pk}/claim")
    assert claimed.status_code == 200 and claimed.json()["claimed_at"]
    assert client.post(f"/api/v1/claim-notices/{notice.pk}/claim").json()["error"]["code"] == "conflict"

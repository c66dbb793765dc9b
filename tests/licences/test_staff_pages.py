"""The issuing department's pages: the licence list, revoking / annulling / cancelling one, and the seal keys."""

import pytest
from django.urls import reverse

from yiwang.accounts.models import User
from yiwang.core.models import AuditEntry
from yiwang.licences import selectors
from yiwang.licences.models import Licence, SealKey
from yiwang.licences.selectors import licence_verify


@pytest.fixture
def samr_inspector(db):
    return User.objects.get(username="hz-samr-inspector")


def test_anonymous_users_are_sent_to_login_and_citizens_are_refused(client, licence, citizen):
    for url in (reverse("licences:manage"), reverse("licences:manage_detail", args=[licence.number])):
        answer = client.get(url)
        assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]
    client.force_login(citizen)
    assert client.get(reverse("licences:manage")).status_code == 403
    assert client.get(reverse("licences:seals")).status_code == 403
    assert (
        client.post(reverse("licences:manage_detail", args=[licence.number]), {"action": "revoke"}).status_code == 403
    )


def test_the_issuing_department_lists_and_filters_its_licences(client, licence, samr_reviewer, restaurant):
    client.force_login(samr_reviewer)
    page = client.get(reverse("licences:manage"))
    assert page.status_code == 200
    html = page.content.decode()
    assert licence.number in html and restaurant.name in html
    assert reverse("licences:manage_detail", args=[licence.number]) in html
    assert licence.number in client.get(reverse("licences:manage"), {"holder": restaurant.uscc}).content.decode()
    assert licence.number not in client.get(reverse("licences:manage"), {"holder": "无此公司"}).content.decode()
    assert licence.number not in client.get(reverse("licences:manage"), {"status": "revoked"}).content.decode()
    assert licence.number in client.get(reverse("licences:manage"), {"number": licence.number[-6:]}).content.decode()


def test_other_departments_see_nothing(client, licence, health_reviewer, tianhe_reviewer, clerk):
    for outsider in (health_reviewer, tianhe_reviewer, clerk):
        assert not selectors.managed_licences(outsider).filter(pk=licence.pk).exists()
        client.force_login(outsider)
        assert licence.number not in client.get(reverse("licences:manage")).content.decode()
        detail = reverse("licences:manage_detail", args=[licence.number])
        assert client.get(detail).status_code == 404
        answer = client.post(detail, {"action": "revoke", "reason": "越权吊销", "basis": "无"})
        assert answer.status_code == 404
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID


def test_the_department_revokes_through_the_page_and_the_licence_verifies_as_revoked(client, licence, samr_inspector):
    client.force_login(samr_inspector)
    detail = reverse("licences:manage_detail", args=[licence.number])
    form = client.get(detail).content.decode()
    # revoke is 吊销 (a penalty) and annul is 撤销 (unlawful grant): the labels are the model's
    assert 'value="revoke"' in form and "吊销" in form and "《行政处罚法》第九条" in form
    assert 'value="annul"' in form and "第六十九条" in form and "csrfmiddlewaretoken" in form
    answer = client.post(
        detail, {"action": "revoke", "reason": "无证经营被查处", "basis": "穗海市监罚字〔2026〕12号"}, follow=True
    )
    assert answer.status_code == 200 and "已吊销" in answer.content.decode()
    licence.refresh_from_db()
    assert licence.status == Licence.Status.REVOKED and licence.status_basis == "穗海市监罚字〔2026〕12号"
    result = licence_verify(licence.number)
    assert result.status == "revoked" and result.reason == "无证经营被查处"
    assert AuditEntry.objects.filter(action="licence.revoke", target_id=str(licence.pk)).exists()
    assert 'id="status-change-form"' not in client.get(detail).content.decode()  # final: no second change


def test_errors_are_shown_in_chinese_and_change_nothing(client, licence, samr_reviewer):
    client.force_login(samr_reviewer)
    detail = reverse("licences:manage_detail", args=[licence.number])
    answer = client.post(detail, {"action": "annul", "reason": "  ", "basis": ""})
    assert answer.status_code == 422 and "须说明理由" in answer.content.decode()
    answer = client.post(detail, {"action": "bogus", "reason": "x"})
    assert answer.status_code == 422 and "请选择吊销、撤销或注销" in answer.content.decode()
    answer = client.post(detail, {"action": "cancel", "reason": "主体注销", "basis": "依" * 201})
    assert answer.status_code == 422 and "依据不得超过 200 个字符" in answer.content.decode()
    licence.refresh_from_db()
    assert licence.status == Licence.Status.VALID
    client.post(detail, {"action": "annul", "reason": "以欺骗手段取得", "basis": "行政许可法第六十九条"})
    licence.refresh_from_db()
    assert licence.status == Licence.Status.ANNULLED
    answer = client.post(detail, {"action": "cancel", "reason": "再次变更"})
    assert answer.status_code == 409 and "不能再变更状态" in answer.content.decode()


def test_the_seal_page_rotates_and_old_licences_still_verify(client, licence, samr_head):
    client.force_login(samr_head)
    old_key = licence.seal_key
    page = client.get(reverse("licences:seals")).content.decode()
    assert selectors.seal_fingerprint(old_key) in page
    assert "PRIVATE" not in page and old_key.public_key_pem not in page
    rotate = reverse("licences:seal_rotate", args=[licence.department_id])
    assert rotate in page
    assert client.get(rotate).status_code == 405
    answer = client.post(rotate)
    assert answer.status_code == 302 and answer["Location"] == reverse("licences:seals")
    active = SealKey.objects.get(department=licence.department, retired_at__isnull=True)
    old_key.refresh_from_db()
    assert active.pk != old_key.pk and old_key.retired_at is not None
    assert licence_verify(licence.number).status == "valid"
    page = client.get(reverse("licences:seals")).content.decode()
    assert selectors.seal_fingerprint(active) in page and selectors.seal_fingerprint(old_key) in page


def test_only_those_the_service_lets_rotate_get_the_button(client, licence, samr_reviewer, health_reviewer):
    rotate = reverse("licences:seal_rotate", args=[licence.department_id])
    client.force_login(samr_reviewer)
    page = client.get(reverse("licences:seals")).content.decode()
    assert selectors.seal_fingerprint(licence.seal_key) in page and rotate not in page
    assert client.post(rotate).status_code == 404
    client.force_login(health_reviewer)
    assert selectors.seal_fingerprint(licence.seal_key) not in client.get(reverse("licences:seals")).content.decode()
    assert client.post(rotate).status_code == 404
    assert SealKey.objects.filter(department=licence.department).count() == 1

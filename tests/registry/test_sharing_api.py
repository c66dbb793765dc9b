"""/api/v1/sharing over HTTP: token at /o/token/, scope per client, purpose on every call, rate limit, access log."""

import datetime as dt
from urllib.parse import quote

from django.utils import timezone
from oauth2_provider.models import AccessToken

from tests.registry.conftest import ENTITY_FIELDS, PURPOSE, fetch_token, read, register
from yiwang.credit.services import credit_record_add
from yiwang.org.models import Department
from yiwang.registry.models import AccessLog
from yiwang.registry.services import sharing_client_update, sharing_rate_take

RESTAURANT = "91440105MA59ABCD17"


def test_client_credentials_read_returns_only_the_granted_fields_and_is_logged(entity_reader, client, restaurant):
    sharing, token = entity_reader
    answer = read(client, f"/entities/{RESTAURANT}", token)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body) == set(ENTITY_FIELDS)  # no legal representative, address or status: not granted
    assert body["uscc"] == RESTAURANT and body["name"] == restaurant.name
    [log] = AccessLog.objects.all()
    assert (log.client, log.store, log.subject, log.outcome) == (sharing, "entities", RESTAURANT, "served")
    assert log.purpose == PURPOSE
    assert log.fields == ENTITY_FIELDS


def test_a_store_outside_the_scope_answers_403_with_nothing_and_the_attempt_is_logged(entity_reader, client):
    sharing, token = entity_reader
    for store in ("licences", "credit", "approvals"):
        answer = read(client, f"/entities/{RESTAURANT}/{store}", token)
        assert answer.status_code == 403
        assert set(answer.json()) == {"error"} and answer.json()["error"]["code"] == "permission_denied"
    refused = AccessLog.objects.filter(client=sharing, outcome="no_scope")
    assert sorted(refused.values_list("store", flat=True)) == ["approvals", "credit", "licences"]
    assert all(log.fields == [] and log.subject == RESTAURANT and log.purpose == PURPOSE for log in refused)


def test_a_missing_or_empty_purpose_answers_422_and_is_logged(entity_reader, client):
    sharing, token = entity_reader
    for purpose in (None, " ", "x"):
        answer = read(client, f"/entities/{RESTAURANT}", token, purpose=purpose)
        assert answer.status_code == 422
        assert "X-Purpose" in answer.json()["error"]["fields"]
    assert AccessLog.objects.filter(client=sharing, outcome="no_purpose").count() == 3
    assert not AccessLog.objects.filter(outcome="served").exists()


def test_a_raw_utf8_purpose_header_is_read_as_utf8(entity_reader, client):
    _sharing, token = entity_reader
    raw = PURPOSE.encode().decode("latin-1")  # what WSGI hands over for unencoded UTF-8 bytes
    answer = client.get(
        f"/api/v1/sharing/entities/{RESTAURANT}", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_PURPOSE=raw
    )
    assert answer.status_code == 200
    assert AccessLog.objects.get().purpose == PURPOSE


def test_past_the_minute_allowance_answers_429_and_is_logged(entity_reader, client):
    sharing, token = entity_reader  # 5 a minute
    codes = [read(client, f"/entities/{RESTAURANT}", token).status_code for _i in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert AccessLog.objects.filter(client=sharing, outcome="rate_limited").count() == 2


def test_an_unknown_subject_answers_404_and_is_logged(entity_reader, client):
    sharing, token = entity_reader
    assert read(client, "/entities/91440105MA00000000", token).status_code == 404
    assert AccessLog.objects.get(client=sharing).outcome == "not_found"


def test_no_valid_token_gets_401_and_reads_nothing(entity_reader, client, health_department):
    _sharing, token = entity_reader
    assert read(client, f"/entities/{RESTAURANT}", "not-a-token").status_code == 401
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert read(client, f"/entities/{RESTAURANT}", token).status_code == 401
    # A token without the sharing scope (e.g. one issued for sign-on) does not open the API either.
    _other, client_id, secret = register(health_department, scopes={"entities": ENTITY_FIELDS})
    openid_only = fetch_token(client, client_id, secret, scope="openid")
    assert read(client, f"/entities/{RESTAURANT}", openid_only).status_code == 401
    assert not AccessLog.objects.exists()


def test_a_suspended_client_is_refused(entity_reader, client):
    sharing, token = entity_reader
    sharing_client_update(actor=None, client=sharing, active=False)
    assert read(client, f"/entities/{RESTAURANT}", token).status_code == 401


def test_credit_and_approvals_stores_with_field_scopes(client, health_department, restaurant, superuser):
    credit_record_add(
        actor=superuser,
        entity=restaurant,
        list_kind="abnormal",
        department=Department.objects.get(kind="SAMR", region__code="440105"),
        basis="《市场主体登记管理条例》第三十五条",
        reason="未按期公示年度报告",
        starts_on=dt.date(2026, 6, 1),
    )
    _sharing, client_id, secret = register(
        health_department,
        scopes={"credit": ["list_kind", "reason"], "approvals": ["case", "granted"], "licences": ["number"]},
    )
    token = fetch_token(client, client_id, secret)
    credit = read(client, f"/entities/{RESTAURANT}/credit", token).json()
    assert credit["uscc"] == RESTAURANT
    assert credit["items"] == [{"list_kind": "abnormal", "reason": "未按期公示年度报告"}]
    approvals = read(client, f"/entities/{RESTAURANT}/approvals", token)
    assert approvals.status_code == 200 and approvals.json()["uscc"] == RESTAURANT
    assert read(client, f"/entities/{RESTAURANT}/licences", token).status_code == 200
    assert read(client, f"/entities/{RESTAURANT}", token).status_code == 403


def test_the_data_subject_sees_who_read_their_entity_and_why(entity_reader, client, enterprise_agent, citizen):
    sharing, token = entity_reader
    read(client, f"/entities/{RESTAURANT}", token)
    read(client, f"/entities/{RESTAURANT}/credit", token)
    client.force_login(enterprise_agent)
    page = client.get("/registry/access-log/")
    assert page.status_code == 200
    text = page.content.decode()
    assert sharing.name in text and PURPOSE in text and RESTAURANT in text
    assert "无授权，已拒绝" in text  # the refused attempt is shown too
    client.force_login(citizen)  # not an agent of the restaurant: sees none of its reads
    assert PURPOSE not in client.get("/registry/access-log/").content.decode()


def test_the_access_log_page_needs_a_login(client):
    answer = client.get("/registry/access-log/")
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_purpose_is_percent_decoded(entity_reader, client):
    _sharing, token = entity_reader
    client.get(
        f"/api/v1/sharing/entities/{RESTAURANT}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_PURPOSE=quote("双随机抽查"),
    )
    assert AccessLog.objects.get().purpose == "双随机抽查"


def test_the_allowance_is_per_minute_and_per_client(health_department):
    first, _id, _secret = register(health_department, scopes={}, rate=2)
    second, _id, _secret = register(health_department, scopes={}, rate=2)
    minute = dt.datetime(2026, 11, 23, 2, 0, 10, tzinfo=dt.UTC)
    assert [sharing_rate_take(client=first, now=minute) for _i in range(3)] == [True, True, False]
    assert sharing_rate_take(client=second, now=minute)  # another client's allowance is its own
    later = minute + dt.timedelta(seconds=55)  # the next minute starts a fresh window
    assert [sharing_rate_take(client=first, now=later) for _i in range(3)] == [True, True, False]

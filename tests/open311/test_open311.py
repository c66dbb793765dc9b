"""Open311 GeoReport v2 at /open311/v2/: an independent client from the package index (georeport, which reads but
cannot post; the post goes through requests, as FixMyStreet's own Open311 sender posts a form) reads discovery,
services and requests and posts a request against the real server; JSON and XML use the standard's names; bad
input gets the standard's error shape and changes nothing."""

import datetime as dt

import pytest
import requests
import xmltodict
from georeport import GeoReport
from pytest_django.live_server_helper import LiveServer

from yiwang.accounts.models import User
from yiwang.hotline.models import WorkOrder
from yiwang.open311.models import ApiKey, Submission
from yiwang.open311.services import api_key_issue, api_key_revoke
from yiwang.org.models import Region

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
STALL = {
    "service_code": "CITY-01",
    "lat": "23.0921",
    "long": "113.2703",
    "address_string": "海珠区宝业路 88 号",
    "description": "宝业路 88 号门口每天早上有水果摊占道经营，行人只能走机动车道。",
    "first_name": "五",
    "last_name": "王",
    "phone": "13800138005",
}


@pytest.fixture
def server(reference_data_restored, transactional_db):
    """A live server for the outside client. Not pytest-django's live_server: its autouse helper empties the
    database after reference_data_restored has put the shared data back, and the next test would find none."""
    running = LiveServer("127.0.0.1:0")
    yield running.url
    running.stop()


@pytest.fixture
def issued(db):
    key, secret = api_key_issue(
        actor=User.objects.get(username="admin"), name="街坊随手拍", region=Region.objects.get(code="440105")
    )
    return key, secret


def test_an_independent_client_reads_discovery_services_and_requests_and_posts(server, issued):
    _key, secret = issued
    base = f"{server}/open311/v2"
    discovery = xmltodict.parse(requests.get(f"{base}/discovery.xml", timeout=10).content)["discovery"]
    assert discovery["endpoints"]["endpoint"]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]

    as_json, as_xml = GeoReport(base), GeoReport(base, output_format="xml")
    listed = as_json.get_service_list()
    assert set(listed[0]) == SERVICE_FIELDS and "CITY-01" in {s["service_code"] for s in listed}
    assert {s["service_code"] for s in as_xml.get_service_list()} == {s["service_code"] for s in listed}
    definition = as_json.get_service_definition("CITY-01")
    assert definition["service_code"] == "CITY-01"
    assert set(definition["attributes"][0]) == ATTRIBUTE_FIELDS
    kinds = {v["key"] for v in definition["attributes"][0]["values"]}
    assert "complaint" in kinds and "consult" not in kinds
    xml_definition = as_xml.get_service_definition("CITY-01")
    assert {v["key"] for v in xml_definition["attributes"]["attribute"][0]["values"]["value"]} == kinds

    posted = requests.post(f"{base}/requests.json", data={**STALL, "api_key": secret}, timeout=10)
    assert posted.status_code == 201, posted.content
    made = posted.json()[0]
    number, token = made["service_request_id"], made["token"]
    order = WorkOrder.objects.get(number=number)
    assert (order.channel, order.kind, order.category.code) == ("open311", "complaint", "CITY-01")
    assert order.caller_name == "王五" and order.region.code == "440105"

    one = as_json.get_service_request(number)
    assert set(one) == REQUEST_FIELDS and one["status"] == "open" and one["service_code"] == "CITY-01"
    assert (one["lat"], one["long"]) == (23.0921, 113.2703) and one["description"] == STALL["description"]
    assert "13800138005" not in posted.text + str(one) and "王五" not in str(one)
    xml_one = as_xml.get_service_request(number)
    assert set(xml_one) == REQUEST_FIELDS and xml_one["service_request_id"] == number
    found = as_json.get_service_requests(service_code="CITY-01", status="open")
    assert number in {r["service_request_id"] for r in found}
    assert number not in {r["service_request_id"] for r in as_json.get_service_requests(status="closed")}
    by_token = requests.get(f"{base}/tokens/{token}.json", timeout=10).json()
    assert by_token == [{"service_request_id": number, "token": token}]


def _errors(answer) -> list[dict]:
    if answer["Content-Type"].startswith("text/xml"):
        errors = xmltodict.parse(answer.content)["errors"]["error"]
        return errors if isinstance(errors, list) else [errors]
    return answer.json()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_gets_the_standards_error_shape_and_changes_nothing(client, issued, fmt):
    _key, secret = issued
    url = f"/open311/v2/requests.{fmt}"
    cases = [
        ({**STALL, "api_key": "wrong"}, 403, ""),
        ({**STALL, "api_key": secret, "service_code": "NOPE"}, 400, "category"),
        ({**STALL, "api_key": secret, "lat": "north"}, 400, "lat"),
        ({**STALL, "api_key": secret, "lat": "91"}, 400, "lat"),
        ({**STALL, "api_key": secret, "lat": "23.30", "long": "113.50"}, 400, "location"),
        ({**STALL, "api_key": secret, "description": ""}, 400, "description"),
        ({**STALL, "api_key": secret, "lat": "", "long": "", "address_string": ""}, 400, "location"),
        ({**STALL, "api_key": secret, "attribute[kind]": "consult"}, 400, "attribute[kind]"),
    ]
    for data, status, names in cases:
        answer = client.post(url, data)
        assert answer.status_code == status, (data, answer.content)
        error = _errors(answer)[0]
        assert int(error["code"]) == status and names in error["description"]
    assert not WorkOrder.objects.filter(channel="open311").exists() and not Submission.objects.exists()
    assert client.get(f"/open311/v2/requests/12345-440105-20200101-00001.{fmt}").status_code == 404
    assert client.get(f"/open311/v2/services/NOPE.{fmt}").status_code == 404
    assert client.get(f"/open311/v2/tokens/not-a-token.{fmt}").status_code == 404
    span = client.get(url, {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"})
    assert span.status_code == 400 and "end_date" in _errors(span)[0]["description"]
    assert client.get(url, {"status": "pending"}).status_code == 400
    assert client.get(url, {"bbox": "1,2,3"}).status_code == 400


def test_a_revoked_key_posts_nothing(client, issued):
    key, secret = issued
    api_key_revoke(actor=User.objects.get(username="admin"), key=key)
    assert client.post("/open311/v2/requests.json", {**STALL, "api_key": secret}).status_code == 403
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_only_what_a_city_would_show_is_published(client, issued, take):
    """No 咨询 (a person's own question), no 举报 (the informant is protected), and a confidential order without
    its text or place."""
    _key, secret = issued
    shown = client.post("/open311/v2/requests.json", {**STALL, "api_key": secret}).json()[0]["service_request_id"]
    secret_order = client.post(
        "/open311/v2/requests.json", {**STALL, "api_key": secret, "attribute[confidential]": "true"}
    ).json()[0]["service_request_id"]
    consult = take(kind=WorkOrder.Kind.CONSULT, category="CITY-01")
    informant = take(kind=WorkOrder.Kind.REPORT, category="CITY-01")
    listed = {r["service_request_id"]: r for r in client.get("/open311/v2/requests.json").json()}
    assert shown in listed and secret_order in listed
    assert consult.number not in listed and informant.number not in listed
    assert listed[secret_order]["description"] == "" and listed[secret_order]["lat"] is None
    assert listed[secret_order]["address"] == "" and listed[shown]["address"] == STALL["address_string"]
    assert client.get(f"/open311/v2/requests/{informant.number}.json").status_code == 404
    inside = client.get("/open311/v2/requests.json", {"bbox": "113.26,23.08,113.28,23.10"}).json()
    assert [r["service_request_id"] for r in inside] == [shown]
    elsewhere = client.get("/open311/v2/requests.json", {"bbox": "113.30,23.08,113.32,23.10"}).json()
    assert elsewhere == []


def test_the_requests_list_stays_within_its_queries(client, issued, django_assert_max_num_queries):
    _key, secret = issued
    for _ in range(5):
        client.post("/open311/v2/requests.json", {**STALL, "api_key": secret})
    with django_assert_max_num_queries(2):
        answer = client.get("/open311/v2/requests.json", {"service_code": "CITY-01", "status": "open"})
    assert len(answer.json()) == 5
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    assert len(client.get("/open311/v2/requests.json", {"start_date": start}).json()) == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_page_by_the_pagination_extension(client, issued, fmt):
    """page and page_size, the extension the Open311 wiki lists as the most widely implemented (Chicago, Boston,
    Toronto…); without them the standard's default, up to 1000 requests."""
    _key, secret = issued
    made = [
        client.post("/open311/v2/requests.json", {**STALL, "api_key": secret}).json()[0]["service_request_id"]
        for _ in range(5)
    ]
    url = f"/open311/v2/requests.{fmt}"

    def numbers(**params):
        answer = client.get(url, params)
        assert answer.status_code == 200, answer.content
        if fmt == "json":
            return [r["service_request_id"] for r in answer.json()]
        found = xmltodict.parse(answer.content, force_list=("request",))["service_requests"] or {}
        return [r["service_request_id"] for r in found.get("request", [])]

    newest_first = made[::-1]
    assert numbers() == newest_first
    assert numbers(page_size=2) == newest_first[:2]
    assert numbers(page_size=2, page=2) == newest_first[2:4]
    assert numbers(page_size=2, page=3) == newest_first[4:]
    assert numbers(page_size=2, page=4) == []
    too_deep = {"page": "102", "page_size": "1000"}
    for bad in (
        {"page_size": "0"},
        {"page_size": "1001"},
        {"page_size": "ten"},
        {"page": "0"},
        {"page": "-1"},
        too_deep,
    ):
        answer = client.get(url, bad)
        assert answer.status_code == 400, bad
        assert next(iter(bad)) in _errors(answer)[0]["description"]

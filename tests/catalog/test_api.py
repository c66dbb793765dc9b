"""The public catalog API: shapes, filters, 404s and one error shape."""

import pytest

pytestmark = pytest.mark.django_db


def test_item_detail_has_the_current_version_and_how_each_material_is_provided(client):
    body = client.get("/api/v1/items/R005").json()
    assert body["name"] == "食品经营许可（新办）"
    version = body["version"]
    assert version["statutory_days"] == 10 and version["promised_days"] == 5
    materials = {m["name"]: m for m in version["materials"]}
    # An e-licence is drawn in only when the applicant holds one, so it is not exempt for everybody.
    licence = materials["营业执照"]
    assert licence["licence_type"] == "BIZ_LICENCE" and licence["from_licence"] and not licence["exempt"]
    assert materials["法定代表人身份证明"]["exempt"] and materials["法定代表人身份证明"]["shared_source"] == "identity"
    policies = materials["食品安全自查、从业人员健康管理等制度"]
    assert policies["tolerable"] and not policies["commitment"]
    assert version["prerequisites"] == ["R001"]
    assert {i["region_code"] for i in body["implementations"]} == {"440105", "440106"}


def test_statutory_limit_defaults_to_the_law(client):
    assert client.get("/api/v1/items/R013").json()["version"]["statutory_days"] == 20


def test_item_filters(client):
    body = client.get("/api/v1/items?department_kind=PLANNING&limit=100").json()
    assert body["count"] == 5
    assert {i["department_kind"] for i in body["items"]} == {"PLANNING"}
    assert client.get("/api/v1/items?topic=P01").json()["count"] == 4
    city_only = client.get("/api/v1/items?region=440100&department_kind=FIRE").json()
    assert [i["code"] for i in city_only["items"]] == ["R054"]


def test_bundle_items_come_in_prerequisite_order(client):
    assert client.get("/api/v1/bundles/B06").json()["items"] == ["R013", "R014", "R032", "R065"]
    assert len(client.get("/api/v1/bundles").json()) == 8


def test_regions_and_departments(client):
    children = client.get("/api/v1/regions?parent=440105").json()
    assert {r["level"] for r in children} == {"town"}
    dept = client.get("/api/v1/departments/440105-SAMR").json()
    assert dept["full_name"] == "海珠区市场监督管理局"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items/NOPE",
        "/api/v1/bundles/B00",
        "/api/v1/regions/000000",
        "/api/v1/departments/x",
        "/api/v1/items/R005?version=9",
    ],
)
def test_missing_things_share_one_error_shape(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bad_input_names_the_field(client):
    response = client.get("/api/v1/search?limit=0&q=x")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
    assert response.json()["error"]["fields"] == {"limit": ["不得小于 1"]}
    assert client.get("/api/v1/search?q=" + "很" * 201).status_code == 422


def test_search_returns_items_and_bundles(client):
    hits = client.get("/api/v1/search", {"q": "食品经营许可"}).json()
    assert any(h["kind"] == "item" and h["code"] == "R005" for h in hits)


def test_openapi_and_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/items/{code}" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.parametrize("query", ["offset=9223372036854775808", "limit=501", "offset=-1", "limit=0"])
def test_out_of_range_paging_is_bad_input_not_a_crash(client, query):
    response = client.get(f"/api/v1/items?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


@pytest.mark.parametrize("url", ["/api/v1/items?topic=%00", "/api/v1/search?q=a%00b", "/api/v1/items/R0%0005"])
def test_nul_bytes_are_bad_input_on_every_database(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


def test_nul_bytes_on_a_page_get_the_error_page(client):
    response = client.get("/search/?q=%00")
    assert response.status_code == 422
    assert "含有不允许的字符" in response.content.decode()


def test_search_answer_says_when_a_need_is_handled_elsewhere(client):
    body = client.get("/api/v1/search/answer", {"q": "办护照"}).json()
    assert body["outcome"] == "referral" and body["hits"] == []
    assert "出入境" in body["referral"]["where"] and body["referral"]["phone"] == "12367"
    answered = client.get("/api/v1/search/answer", {"q": "开饭店"}).json()
    assert answered["outcome"] == "answered" and answered["hits"][0]["code"] in ("B02", "R005")
    assert answered["hits"][0]["title_en"]

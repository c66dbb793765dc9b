"""The public portal: every page renders with its content; guides show the standard elements."""

import pytest
from django.urls import reverse

from yiwang.catalog import search as catalog_search
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import item_version_draft, item_version_publish, item_version_update

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_home_shows_search_popular_bundles_and_topics(client):
    html = page(client, "/")
    assert "一网通办" in html
    assert 'hx-get="/search/suggest/"' in html
    assert "htmx" in html  # the vendored script, served locally
    assert "开餐馆一件事" in html  # popular
    assert "开药店一件事" not in html  # not popular
    assert "生育收养" in html and "准营准办" in html
    assert "12345" in html


def test_header_has_nav_language_switch_and_login(client):
    html = page(client, "/")
    for label in ("首页", "个人办事", "法人办事", "部门", "一件事"):
        assert label in html
    assert 'action="/i18n/setlang/"' in html
    assert reverse("accounts:login") in html


def test_search_page_renders_hits_from_search(client, monkeypatch):
    hits = [
        catalog_search.SearchHit("bundle", "B02", "开餐馆一件事", 3.0),
        catalog_search.SearchHit("item", "R005", "食品经营许可（新办）", 2.0),
    ]
    monkeypatch.setattr("yiwang.portal.views.answer", lambda q, limit: catalog_search.SearchAnswer(q, hits=hits))
    html = page(client, "/search/?q=开饭店要办哪些证")
    assert 'href="/bundles/B02/"' in html and "开餐馆一件事" in html
    assert 'href="/items/R005/"' in html
    assert html.index("开餐馆一件事") < html.index("食品经营许可（新办）")  # ranked order kept


def test_search_restaurant_question_finds_restaurant_bundle(client):
    """End to end through the real index: colloquial words reach the 开餐馆 bundle."""
    html = page(client, "/search/?q=开饭店要办哪些证")
    assert "开餐馆一件事" in html


def test_search_empty_query_shows_hint(client):
    html = page(client, "/search/?q=")
    assert "请输入您想办的事" in html


def test_search_without_results_suggests_and_gives_12345(client, monkeypatch):
    monkeypatch.setattr("yiwang.portal.views.answer", lambda q, limit: catalog_search.SearchAnswer(q))
    html = page(client, "/search/?q=zzqqxx")
    assert "没有找到" in html
    assert "开餐馆一件事" in html  # a popular bundle as a suggestion
    assert "12345" in html


def test_suggest_fragment_is_a_partial(client):
    html = page(client, "/search/suggest/?q=食品", status=200)
    assert "<html" not in html
    assert "食品经营许可" in html


def test_audience_pages(client):
    person = page(client, "/person/")
    assert "生育收养" in person and "新生儿出生一件事" in person
    enterprise = page(client, "/enterprise/")
    assert "准营准办" in enterprise and "开餐馆一件事" in enterprise


def test_topic_page_and_missing_topic(client):
    html = page(client, "/topics/P01/")
    assert "生育收养" in html and "出生医学证明签发" in html
    page(client, "/topics/NOPE/", status=404)


def test_departments_page_lists_home_region_and_city(client):
    html = page(client, "/departments/")
    assert "海珠区" in html and "广州市" in html
    assert 'href="/departments/440105-SAMR/"' in html
    assert "食品经营许可（新办）" in html


def test_department_page(client):
    html = page(client, "/departments/440105-SAMR/")
    assert "市场监督管理局" in html and "食品经营许可（新办）" in html
    page(client, "/departments/NOPE/", status=404)


def test_item_guide_has_the_seven_elements(client):
    html = page(client, "/items/R005/")
    for heading in ("事项名称", "设定依据", "受理条件", "申请材料", "表格", "办理流程", "办理时限"):
        assert heading in html
    assert "《中华人民共和国食品安全法》第三十五条" in html
    assert "收费" in html and "最多跑动次数" in html and "四级：全程网办" in html
    assert "海珠区政务服务中心" in html  # the home region's implementation first
    assert "打印" in html


def test_item_guide_lists_materials_and_says_how_each_is_provided(client):
    html = page(client, "/items/R005/")
    materials = html[html.index('id="materials"') : html.index("</table>", html.index('id="materials"'))]
    assert "食品经营许可申请书" in materials
    assert "食品安全自查、从业人员健康管理等制度" in materials
    assert materials.count(">免提交<") == 1 and "共享数据：身份信息" in materials
    assert ">持证免提交<" in materials and "已有电子证照（营业执照）的自动调取" in materials
    assert materials.count(">可容缺<") == 1 and ">可告知承诺<" not in materials


def test_item_guide_shows_statutory_and_promised_days(client):
    html = page(client, "/items/R005/")
    assert "法定 10 个工作日" in html
    assert "承诺 5 个工作日" in html


def test_item_guide_default_statutory_days_when_law_is_silent(client):
    html = page(client, "/items/R013/")  # statutory_days null → 行政许可法 第四十二条, 20 days
    assert "法定 20 个工作日" in html
    assert "第四十二条" in html


def test_instant_item_says_即办件(client):
    html = page(client, "/items/R002/")  # promised_days 0
    assert "即办件" in html
    assert "承诺 0 个工作日" not in html


def test_item_guide_links_prerequisites_and_bundles(client):
    html = page(client, "/items/R005/")
    assert 'href="/items/R001/"' in html  # 前置事项
    assert 'href="/bundles/B02/"' in html  # 所属一件事


def test_item_guide_previews_the_application_form(client):
    version = ServiceItem.objects.get(code="R005").current_version
    html = page(client, "/items/R005/")
    if version.form_schema:
        assert "<fieldset disabled>" in html
        first_title = next(iter(version.form_schema["properties"].values()))["title"]
        assert first_title in html
    else:
        assert "本事项无需填写申请表" in html


def test_item_guide_has_print_stylesheet(client):
    html = page(client, "/items/R005/")
    assert "portal/portal.css" in html
    assert "data-print" in html and "portal/print.js" in html  # bound by a static script: the CSP refuses onclick


def test_missing_item_gets_the_styled_404(client):
    response = client.get("/items/NOPE/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到您要的页面" in html and "12345" in html


def test_older_versions_stay_readable(client, catalog_admin):
    item = ServiceItem.objects.get(code="R005")
    draft = item_version_draft(actor=catalog_admin, item=item)
    item_version_update(actor=catalog_admin, version=draft, promised_days=3)
    item_version_publish(actor=catalog_admin, version=draft)

    current = page(client, "/items/R005/")
    assert "承诺 3 个工作日" in current
    assert 'href="/items/R005/v/1/"' in current

    old = page(client, "/items/R005/v/1/")
    assert "承诺 5 个工作日" in old
    assert "历史版本" in old
    page(client, "/items/R005/v/99/", status=404)


def test_bundle_page_lists_items_in_prerequisite_order(client):
    html = page(client, "/bundles/B02/")
    assert "开餐馆一件事" in html
    table = html[html.index('id="bundle-items"') :]
    assert table.index("有限责任公司设立登记") < table.index("食品经营许可（新办）")  # R001 before R005
    assert "5 个工作日" in table  # R005's promised days
    assert "5 份" in table  # R005's materials count


def test_bundles_index_and_missing_bundle(client):
    html = page(client, "/bundles/")
    assert "新生儿出生一件事" in html and "开餐馆一件事" in html
    page(client, "/bundles/B99/", status=404)

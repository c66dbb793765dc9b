"""政务服务效能公开: the public's pages of every district and department, no login, showing the figures the staff's
dashboards show (the hand-counted November 2025 of 海珠区, the `known` fixture), never a staff member's own."""

import pytest

from tests.insights.test_dashboards import links

NOVEMBER = "?period=2025-11"


def test_the_index_lists_the_districts_and_their_departments(client, known):
    page = client.get("/xiaoneng/" + NOVEMBER)
    assert page.status_code == 200
    html = page.content.decode()
    for region in ("广州市", "海珠区", "天河区"):
        assert region in html
    department = known["food"].department
    assert f"/xiaoneng/departments/{department.code}/{NOVEMBER}" in links(page)
    assert "/xiaoneng/regions/440105/" + NOVEMBER in links(page)
    assert "66.67%" in html  # 海珠区市场监督管理局's 网办率: C1 C3 of C1 C2 C3


def test_a_departments_page_shows_the_figures_staff_see(client, known, supervisor):
    code = known["food"].department.code
    public = client.get(f"/xiaoneng/departments/{code}/" + NOVEMBER)
    assert public.status_code == 200
    client.force_login(supervisor)
    staff = client.get(f"/workbench/insights/departments/{code}/" + NOVEMBER)
    cards = [_cards(page.content.decode()) for page in (public, staff)]
    assert cards[0] == cards[1] and "66.67%" in cards[0]
    html = public.content.decode()
    assert "海珠区市场监督管理局政务服务效能" in html
    assert 'id="chart-trend"' in html and 'id="insights-charts" type="application/json"' in html
    assert f"/items/{known['food'].item.code}/" in links(public)  # an item row leads to its public guide


def _cards(html: str) -> str:
    return html.split('class="insights-cards"', 1)[1].split("</div>\n  <details", 1)[0]


def test_a_districts_page_names_no_window_and_no_staff_member(client, known):
    page = client.get("/xiaoneng/regions/440105/" + NOVEMBER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "60.00%" in html and ">按部门</h2>" in html
    for staff_only in ("按窗口", "按受理人员", "政务服务数据管理局窗口人员", "/workbench/"):
        assert staff_only not in html.split("<main", 1)[1].split("<footer", 1)[0], staff_only


@pytest.mark.parametrize("url", ["/xiaoneng/regions/999999/", "/xiaoneng/departments/NOPE/"])
def test_an_unknown_district_or_department_is_not_found(client, db, url):
    assert client.get(url).status_code == 404


def test_the_public_pages_query_counts(client, known, django_assert_max_num_queries):
    code = known["food"].department.code
    with django_assert_max_num_queries(10):
        assert client.get("/xiaoneng/" + NOVEMBER).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/xiaoneng/regions/440100/" + NOVEMBER).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/xiaoneng/departments/{code}/" + NOVEMBER).status_code == 200

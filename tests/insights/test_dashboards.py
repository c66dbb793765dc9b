"""效能看板 on the staff site, over the hand-counted November 2025 of 海珠区 (the `known` fixture): the figures the
pages, their Excel workbooks and the department's monthly PDF show, who may open which (a department's 负责人 their
department, a district's 效能监察 their district, others the 404 of a missing page), the drill-down from the
region to an item's cases, and pages whose query count does not grow with their rows."""

import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import CaseFactory
from tests.insights.conftest import at, d
from tests.pdffonts import assert_every_font_embedded
from yiwang.accounts.models import User
from yiwang.catalog.models import ItemImplementation
from yiwang.insights.services import figures_recompute
from yiwang.org.models import Window

NOVEMBER = "?period=2025-11"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def links(response) -> list[str]:
    parser = Links()
    parser.feed(response.content.decode())
    return parser.hrefs


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def food(known):
    return {"department": known["food"].department.code, "item": known["food"].item.code}


def _department(food):
    return f"/workbench/insights/departments/{food['department']}/"


def _item(food):
    return f"{_department(food)}items/{food['item']}/"


def test_the_districts_supervisor_reads_the_hand_counted_figures(client, known, supervisor):
    page = _get(client, supervisor, "/workbench/insights/" + NOVEMBER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "海珠区效能看板" in html
    for shown in ("60.00%", "66.67%", "环比 -40.00 个百分点", "5.40"):  # 网办率, 满意率, vs October's 100%, 平均用时
        assert shown in html, shown
    # A district's page breaks down by department and by its hall's windows and staff.
    for heading in ("按部门", "按政务服务中心", "按窗口", "按受理人员"):
        assert f">{heading}</h2>" in html
    assert "海珠区政务服务中心 1号窗口" in html
    assert 'id="insights-charts" type="application/json"' in html


def test_the_citys_supervisor_drills_from_the_city_to_an_items_cases(client, known, food):
    city = User.objects.get(username="gz-supervisor")
    overview = _get(client, city, "/workbench/insights/" + NOVEMBER)
    assert "广州市效能看板" in overview.content.decode() and ">按下级区划</h2>" in overview.content.decode()
    district = "/workbench/insights/regions/440105/" + NOVEMBER
    assert district in links(overview)
    department = _department(food) + NOVEMBER
    assert department in links(client.get(district))
    department_page = client.get(department)
    assert "按事项" in department_page.content.decode()
    item = _item(food) + NOVEMBER
    assert item in links(department_page)
    item_page = client.get(item)
    cases = _item(food) + "cases/" + NOVEMBER
    assert cases in links(item_page)
    listed = client.get(cases)
    assert listed.status_code == 200
    for case in ("c1", "c2", "c3", "c4"):  # the food department's; C4 was received in October, decided in November
        assert f"/workbench/cases/{known[case].number}/" in links(listed)
    assert known["c5"].number not in listed.content.decode()


def test_a_department_head_reads_only_their_department(client, known, samr_signer, food):
    overview = _get(client, samr_signer, "/workbench/insights/" + NOVEMBER)
    html = overview.content.decode()
    assert "海珠区市场监督管理局效能看板" in html
    assert f"/workbench/insights/departments/{known['other'].department.code}/" not in html
    other = known["other"].department.code
    assert client.get(f"/workbench/insights/departments/{other}/" + NOVEMBER).status_code == 404
    assert client.get(f"/workbench/insights/departments/{other}/export/" + NOVEMBER).status_code == 404
    assert client.get(f"/workbench/insights/departments/{other}/monthly/2025-11/").status_code == 404
    # Their page says what their department did: three applications, C1 C2 C3. The district's pages, which would
    # show only their department's figures under the district's name, are not theirs.
    sheet = load_workbook(io.BytesIO(client.get(_department(food) + "export/" + NOVEMBER).content))["主要指标"]
    assert sheet["B2"].value == 3
    for url in ("/workbench/insights/regions/440105/", "/workbench/insights/regions/440105/export/"):
        assert client.get(url).status_code == 404
    assert "/workbench/insights/regions/" not in html


@pytest.mark.parametrize("username", ["hz-gov_service-clerk", "th-samr-reviewer", "hz-12345-operator"])
def test_staff_without_insights_view_find_nothing(client, known, food, username):
    user = User.objects.get(username=username)
    for url in ("/workbench/insights/", "/workbench/insights/regions/440105/", _department(food), _item(food)):
        assert _get(client, user, url).status_code == 404, url
    assert 'id="nav-insights"' not in client.get("/workbench/").content.decode()


def test_another_districts_figures_are_not_found(client, known, supervisor, food):
    assert _get(client, supervisor, "/workbench/insights/regions/440106/").status_code == 404
    assert client.get("/workbench/insights/regions/440100/").status_code == 404
    assert 'id="nav-insights"' in client.get("/workbench/").content.decode()


def test_a_citizen_is_turned_away(client, citizen, food):
    assert _get(client, citizen, "/workbench/insights/").status_code == 403


def test_a_bad_period_is_refused_with_the_reason(client, known, supervisor):
    page = _get(client, supervisor, "/workbench/insights/?period=2025-13")
    assert page.status_code == 422
    assert "统计周期" in page.content.decode()


def test_the_districts_workbook_has_every_table_with_chinese_headings(client, known, supervisor):
    answer = _get(client, supervisor, "/workbench/insights/regions/440105/export/" + NOVEMBER)
    assert answer.status_code == 200 and answer["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(answer.content))
    # No 按下级区划: the district's streets have no figures of their own.
    assert book.sheetnames == ["主要指标", "趋势", "按部门", "按政务服务中心", "按窗口", "按受理人员"]
    headline = {row[0].value: row for row in book["主要指标"].iter_rows(min_row=2)}
    online = headline["网办率"]
    assert online[1].value == pytest.approx(0.6) and online[1].number_format == "0.00%"
    assert online[2].value == pytest.approx(1.0)  # October: C4 alone, online
    assert online[3].value == pytest.approx(-0.4) and "个百分点" in online[3].number_format
    assert headline["申报件数"][1].value == 5
    assert headline["平均办理用时（工作日）"][1].number_format == "0.00"
    departments = book["按部门"]
    assert [c.value for c in departments[1]][:3] == ["名称", "申报件数", "受理件数"]
    rows = {row[0].value: [c.value for c in row] for row in departments.iter_rows(min_row=2)}
    assert rows["海珠区市场监督管理局"][1] == 3 and rows["海珠区卫生健康局"][1] == 2
    trend = book["趋势"]
    assert trend["A2"].value == "2025-11-01" and trend.max_row == 31


def test_one_charts_figures_download_alone(client, known, supervisor, food):
    answer = _get(client, supervisor, _department(food) + "export/" + NOVEMBER + "&table=items")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["按事项"]
    assert "按事项" in answer["Content-Disposition"] or "filename*" in answer["Content-Disposition"]
    (row,) = book["按事项"].iter_rows(min_row=2, values_only=True)
    assert row[0] == known["food"].item.name and row[1] == 3


def test_an_items_workbook(client, known, supervisor, food):
    answer = _get(client, supervisor, _item(food) + "export/" + NOVEMBER)
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["主要指标", "趋势"]
    decided = {row[0].value: row[1].value for row in book["主要指标"].iter_rows(min_row=2)}["办结件数"]
    assert decided == 4  # C1 C2 C3 C4


def test_the_departments_monthly_report(client, known, supervisor, food):
    page = _get(client, supervisor, _department(food) + NOVEMBER)
    report = _department(food) + "monthly/2025-11/"
    assert report in links(page)
    answer = client.get(report)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert_every_font_embedded(answer.content)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=answer.content, capture_output=True, check=True).stdout
    words = "".join(text.decode().split())
    assert "海珠区市场监督管理局部门效能月报（2025年11月）" in words
    assert known["food"].item.name in words and "75.00%" in words  # the items table; 按时办结率 3 of 4


@pytest.mark.parametrize("month", ["2025-Q4", "2025"])
def test_a_monthly_report_is_of_a_month(client, known, supervisor, food, month):
    assert _get(client, supervisor, _department(food) + f"monthly/{month}/").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_query_counts_do_not_grow_with_their_rows(
    client, known, superuser, clerk, food, django_assert_max_num_queries
):
    """More departments, items and windows with figures in November add rows to every breakdown, not queries."""
    client.force_login(superuser)
    urls = (
        "/workbench/insights/regions/440105/" + NOVEMBER,
        _department(food) + NOVEMBER,
        "/workbench/insights/" + NOVEMBER,
    )
    before = [_queries(client, url) for url in urls]
    windows = list(Window.objects.filter(center=known["hall"]))
    more = ItemImplementation.objects.filter(department__region__code="440105").exclude(
        department__in=[known["food"].department, known["other"].department]
    )
    for n, implementation in enumerate(more[:6]):
        CaseFactory(
            implementation_=implementation,
            channel="window",
            intake_window=windows[n % len(windows)],
            submitted_by=clerk,
            received_on=d("2025-11-17"),
            accepted_on=d("2025-11-17"),
            due_on=d("2025-11-24"),
            decided_at=at("2025-11-19"),
            status="delivered",
        )
    for n, implementation in enumerate(ItemImplementation.objects.filter(department=known["food"].department)[:4]):
        CaseFactory(implementation_=implementation, received_on=d("2025-11-18"), number=f"MORE{n}")
    figures_recompute(actor=None, start=d("2025-11-17"), end=d("2025-11-19"))
    assert [_queries(client, url) for url in urls] == before
    # Each page's reads run in one block planned for their values (core.plans): a savepoint and its release, and
    # on PostgreSQL the SET LOCAL, are three of these.
    with django_assert_max_num_queries(19):
        client.get(urls[0])
    with django_assert_max_num_queries(15):
        client.get(urls[1])
    with django_assert_max_num_queries(17):
        client.get(urls[2])


def test_an_item_the_department_does_not_carry_out_is_not_found(client, known, supervisor, food):
    other_item = known["other"].item.code
    assert _get(client, supervisor, _item(food) + NOVEMBER).status_code == 200
    for url in (f"{_department(food)}items/{other_item}/", f"{_department(food)}items/{other_item}/cases/"):
        assert _get(client, supervisor, url + NOVEMBER).status_code == 404

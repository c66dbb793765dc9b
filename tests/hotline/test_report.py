"""每月情况通报: a month of orders with known numbers, taken and handled through the hotline's services at pinned
times (each step under time_machine), and every figure and rate of the report checked exactly; the snapshot, the
worker's task on the first working day, the page, the workbook and the PDF, and who may open them.

The month (November 2026, 海珠区):
  A 11-02 complaint 占道经营, located in cell X: 城管 signs in time, answers in time, callback 满意 → closed
  B 11-03 complaint 占道经营, in X: 城管 signs and answers in time, 不满意 → reopened, answers again, 基本满意 → closed
  C 11-04 complaint 物业管理, unlocated: 城管 returns it, re-dispatched to 住建, who signs late and never answers
  D 11-05 consult 停水, unlocated: answered on the phone (closed, no department)
  E 11-30 23:59 help 占道经营, in X: not dispatched
  F 12-01 00:00 (December: not in the month), G 10-15 (October: the previous month)
"""

import datetime as dt
import io
import zoneinfo
from contextlib import contextmanager

import pytest
import time_machine
from openpyxl import load_workbook

from tests.pdffonts import assert_every_font_embedded
from yiwang.accounts.models import User
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.models import AuditEntry, WorkdayOverride
from yiwang.grid.models import GridCell
from yiwang.hotline import report, services
from yiwang.hotline.models import MonthlyReportSnapshot, WorkOrder
from yiwang.hotline.tasks import monthly_reports
from yiwang.org.models import Region

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)
STALL = "宝业路 88 号门口每天早上有水果摊占道经营，行人只能走机动车道，请城管处理。"
# The report is computed on 2026-12-02 10:00: C's reply limit (5 working days from 11-04) has long passed.
AS_OF = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


def local(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@contextmanager
def at(text: str):
    with time_machine.travel(local(text), tick=False):
        yield


@pytest.fixture
def cell(db):
    return GridCell.objects.select_related("community__parent").order_by("code").first()


@pytest.fixture
def supervisor(db):
    return User.objects.get(username="hz-gov_service-supervisor")


@pytest.fixture
def month(take, operator, urban, housing, urban_liaison, housing_liaison, cell):
    def located(**fields):
        return take(longitude=cell.centroid_lon, latitude=cell.centroid_lat, description=STALL, **fields)

    def dispatch(order, lead):
        return services.order_dispatch(actor=operator, order=order, lead=lead, handling=WorkOrder.Handling.CHRONIC)

    orders = {}
    with at("2026-10-15 10:00"):
        orders["G"] = take()
    with at("2026-11-02 10:00"):
        orders["A"] = dispatch(located(), urban)
    with at("2026-11-02 11:00"):
        services.order_sign(actor=urban_liaison, order=orders["A"])
    with at("2026-11-03 10:00"):
        services.order_reply(actor=urban_liaison, order=orders["A"], reply="已清理", outcome="solved")
        orders["B"] = dispatch(located(), urban)
    with at("2026-11-03 11:00"):
        services.order_sign(actor=urban_liaison, order=orders["B"])
    with at("2026-11-04 10:00"):
        services.order_callback(actor=operator, order=orders["A"], satisfaction="satisfied")
        services.order_reply(actor=urban_liaison, order=orders["B"], reply="已劝离", outcome="solved")
        orders["C"] = dispatch(take(category="HOUSE-01", description="小区物业不处理楼道堆放杂物"), urban)
    with at("2026-11-04 10:30"):
        services.order_return(actor=urban_liaison, order=orders["C"], reason="属物业管理，非城管职责")
    with at("2026-11-04 11:00"):
        services.order_redispatch(actor=operator, order=orders["C"], lead=housing)
    with at("2026-11-05 10:00"):
        services.order_callback(actor=operator, order=orders["B"], satisfaction="dissatisfied")
        consult = take(kind=WorkOrder.Kind.CONSULT, category="WATER-01", description="明天停水吗")
        orders["D"] = services.order_answer_directly(actor=operator, order=consult, answer="明天 9 时至 17 时停水")
    with at("2026-11-05 15:00"):
        services.order_sign(actor=housing_liaison, order=orders["C"])  # sign limit was 11-04 13:00: late
    with at("2026-11-06 10:00"):
        services.order_reply(actor=urban_liaison, order=orders["B"], reply="已联合执法", outcome="solved")
    with at("2026-11-09 10:00"):
        services.order_callback(actor=operator, order=orders["B"], satisfaction="basic")
    with at("2026-11-30 23:59"):
        orders["E"] = located(kind=WorkOrder.Kind.HELP)
    with at("2026-12-01 00:00"):
        orders["F"] = take(category="CITY-02")
    return {key: WorkOrder.objects.get(pk=order.pk) for key, order in orders.items()}


@pytest.fixture
def computed(month, haizhu, operator):
    return report.monthly_report(region=haizhu, month=NOVEMBER, actor=operator, as_of=AS_OF)


def test_the_month_is_as_built(month):
    assert {k: o.status for k, o in month.items() if k in "ABCDE"} == {
        "A": "closed",
        "B": "closed",
        "C": "signed",
        "D": "closed",
        "E": "received",
    }
    assert month["B"].reopened_count == 1 and month["C"].returned_count == 1


def test_totals_and_month_on_month(computed):
    t = computed.data["totals"]
    assert (t["received"], t["dispatched"], t["closed"], t["callbacks"], t["satisfied"]) == (5, 3, 3, 2, 2)
    assert (t["returned"], t["reopened_closed"], t["dissatisfied"]) == (1, 1, 0)
    assert t["closed_rate"] == {"num": 3, "den": 5, "text": "60.0%"}
    assert t["satisfaction_rate"]["text"] == "100.0%"
    assert t["return_rate"] == {"num": 1, "den": 3, "text": "33.3%"}
    assert t["reopen_rate"] == {"num": 1, "den": 3, "text": "33.3%"}
    previous = computed.data["previous"]
    assert previous["month"] == "2026-10"
    assert (previous["received"], previous["dispatched"], previous["callbacks"]) == (1, 0, 0)
    # October had no callback and no dispatch: its rates and the changes against 0 are "—".
    assert previous["satisfaction_rate"]["text"] == "—" and previous["return_rate"]["text"] == "—"
    assert previous["changes"]["received"] == {"diff": 4, "text": "+400.0%"}
    assert previous["changes"]["dispatched"] == {"diff": 3, "text": "—"}
    assert [m["received"] for m in computed.data["trend"]] == [0, 0, 0, 0, 1, 5]
    assert computed.data["trend"][-1]["month"] == "2026-11"


def test_month_on_month_reads_the_previous_month_as_published(month, haizhu, operator, urban):
    """October's report, generated on 11-02, showed G not dispatched; G dispatched on 11-20 does not change what
    November's report compares with, so both months are read the same time after their end."""
    with at("2026-11-02 09:00"):
        services.report_generate(actor=operator, region=haizhu, month=dt.date(2026, 10, 1))
    with at("2026-11-20 10:00"):
        services.order_dispatch(actor=operator, order=month["G"], lead=urban, handling=WorkOrder.Handling.SEASONAL)
    computed = report.monthly_report(region=haizhu, month=NOVEMBER, actor=operator, as_of=AS_OF)
    previous = computed.data["previous"]
    assert previous["published"] is True
    assert (previous["received"], previous["dispatched"]) == (1, 0)
    assert previous["changes"]["dispatched"] == {"diff": 3, "text": "—"}
    assert [m["received"] for m in computed.data["trend"]] == [0, 0, 0, 0, 1, 5]
    october_now = report.monthly_report(region=haizhu, month=dt.date(2026, 10, 1), as_of=AS_OF)
    assert october_now.data["totals"]["dispatched"] == 1


def test_a_report_generated_during_its_month_is_not_the_published_one(month, haizhu, operator, urban):
    with at("2026-10-20 10:00"):
        services.report_generate(actor=operator, region=haizhu, month=dt.date(2026, 10, 1))
    with at("2026-11-20 10:00"):
        services.order_dispatch(actor=operator, order=month["G"], lead=urban, handling=WorkOrder.Handling.SEASONAL)
    previous = report.monthly_report(region=haizhu, month=NOVEMBER, actor=operator, as_of=AS_OF).data["previous"]
    assert previous["published"] is False
    assert (previous["received"], previous["dispatched"]) == (1, 1)


def test_the_month_boundary_is_local_time(month, haizhu, operator):
    """E at 23:59 on 30 November belongs to November; F at 00:00 on 1 December (16:00 UTC the day before) does not."""
    assert month["F"].created_at == dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
    november = report.monthly_report(region=haizhu, month=NOVEMBER, actor=operator, as_of=AS_OF)
    december = report.monthly_report(region=haizhu, month=dt.date(2026, 12, 1), actor=operator, as_of=AS_OF)
    assert november.data["totals"]["received"] == 5
    assert december.data["totals"]["received"] == 1
    assert {r["code"]: r["count"] for r in december.data["leaf_categories"]} == {"CITY-02": 1}


def test_by_kind_category_and_place(computed, cell):
    d = computed.data
    kinds = {r["code"]: (r["count"], r["share"]["text"]) for r in d["kinds"]}
    assert kinds["complaint"] == (3, "60.0%") and kinds["consult"] == (1, "20.0%") and kinds["help"] == (1, "20.0%")
    assert kinds["praise"] == (0, "0.0%")
    assert [(r["code"], r["count"]) for r in d["top_categories"]] == [("CITY", 3), ("HOUSE", 1), ("WATER", 1)]
    assert [(r["code"], r["count"]) for r in d["leaf_categories"]] == [("CITY-01", 3), ("HOUSE-01", 1), ("WATER-01", 1)]
    assert d["top_problems"][0]["name"] == "城市管理/占道经营" or d["top_problems"][0]["code"] == "CITY-01"
    assert [(r["code"], r["count"]) for r in d["cells"]] == [(cell.code, 3), ("—", 2)]
    assert d["cells"][0]["community"] == cell.community.name and d["cells"][0]["street"] == cell.community.parent.name
    assert [(r["code"], r["count"]) for r in d["communities"]] == [(cell.community.code, 3), ("—", 2)]
    assert [(r["code"], r["count"], r["share"]["text"]) for r in d["streets"]] == [
        (cell.community.parent.code, 3, "60.0%"),
        ("—", 2, "40.0%"),
    ]


def test_per_department_rates(computed, urban, housing):
    rows = {r["name"]: r for r in computed.data["departments"]}
    u, h, total = rows[urban.name], rows[housing.name], rows["合计"]
    assert (u["dispatched"], u["signed_on_time"], u["replied"], u["replied_on_time"], u["overdue"]) == (3, 2, 2, 2, 0)
    assert (u["returned"], u["callbacks"], u["satisfied"], u["closed"], u["reopened"]) == (1, 2, 2, 2, 1)
    assert [u[k]["text"] for k in ("sign_rate", "on_time_rate", "satisfaction_rate", "return_rate", "reopen_rate")] == [
        "66.7%",
        "100.0%",
        "100.0%",
        "33.3%",
        "50.0%",
    ]
    assert (h["dispatched"], h["signed_on_time"], h["replied"], h["overdue"], h["callbacks"], h["closed"]) == (
        1,
        0,
        0,
        1,
        0,
        0,
    )
    # 住建 has no callback and no closed order yet: those rates have a zero denominator and show "—".
    assert [h[k]["text"] for k in ("sign_rate", "on_time_rate", "satisfaction_rate", "return_rate", "reopen_rate")] == [
        "0.0%",
        "0.0%",
        "—",
        "0.0%",
        "—",
    ]
    assert h["satisfaction_rate"] == {"num": 0, "den": 0, "text": "—"}
    assert [
        total[k]["text"] for k in ("sign_rate", "on_time_rate", "satisfaction_rate", "return_rate", "reopen_rate")
    ] == [
        "50.0%",
        "66.7%",
        "100.0%",
        "25.0%",
        "50.0%",
    ]
    assert computed.data["departments"][-1]["name"] == "合计"


def test_hotspots_of_the_month(computed, month):
    (spot,) = computed.data["hotspots"]
    assert spot["count"] == 3
    assert spot["orders"] == sorted(month[k].number for k in "ABE")
    assert (spot["first_at"], spot["last_at"]) == ("2026-11-02", "2026-11-30")


def test_a_rate_with_nothing_to_divide_is_a_dash():
    assert report.rate(0, 0) == {"num": 0, "den": 0, "text": "—"}
    assert report.rate(2, 3)["text"] == "66.7%" and report.rate(1, 8)["text"] == "12.5%"
    assert report.change(5, 0)["text"] == "—" and report.change(3, 4)["text"] == "-25.0%"


def test_the_snapshot_regenerates_in_place(month, haizhu, operator, supervisor):
    with time_machine.travel(AS_OF, tick=False):
        first = services.report_generate(actor=operator, region=haizhu, month=NOVEMBER)
    assert first.data["totals"]["received"] == 5 and first.generated_by == operator
    with at("2026-11-20 10:00"):
        take_late = services.order_take(
            actor=operator, region=haizhu, kind="suggestion", category="CITY-02", description="建议增设垃圾桶",
            caller_phone="13800138001",
        )  # fmt: skip
    with time_machine.travel(AS_OF + dt.timedelta(hours=1), tick=False):
        again = services.report_generate(actor=None, region=haizhu, month=dt.date(2026, 11, 17))
    assert take_late.pk
    assert again.pk == first.pk and MonthlyReportSnapshot.objects.count() == 1
    again.refresh_from_db()
    assert again.data["totals"]["received"] == 6 and again.generated_by is None
    assert again.generated_at == AS_OF + dt.timedelta(hours=1)
    actions = list(
        AuditEntry.objects.filter(action="hotline.report_generate").order_by("at").values_list("data", flat=True)
    )
    assert [a["replaced"] for a in actions] == [False, True]
    with pytest.raises(NotFound):
        services.report_generate(actor=supervisor, region=haizhu, month=NOVEMBER)


def test_the_worker_generates_last_month_on_the_first_working_day(db, haizhu):
    """1 August 2026 is a Saturday: nothing on the 1st or the 2nd; on Monday the 3rd, July's report for every
    county, once; the next sweeps leave it alone."""
    counties = set(Region.objects.filter(level=Region.Level.COUNTY).values_list("code", flat=True))
    calendar = WorkCalendar(haizhu)
    assert not calendar.is_workday(dt.date(2026, 8, 1)) and calendar.is_workday(dt.date(2026, 8, 3))
    for day in ("2026-08-01 09:00", "2026-08-02 23:00"):
        with at(day):
            assert monthly_reports.call() == []
    assert not MonthlyReportSnapshot.objects.exists()
    with at("2026-08-03 00:30"):
        assert set(monthly_reports.call()) == counties
    with at("2026-08-03 00:31"):
        assert monthly_reports.call() == []
    snapshots = MonthlyReportSnapshot.objects.all()
    assert {s.month for s in snapshots} == {dt.date(2026, 7, 1)} and snapshots.count() == len(counties)
    assert all(s.generated_by is None for s in snapshots)


def test_the_worker_follows_the_regions_calendar(db, haizhu):
    """A region's own override (a Monday made a holiday) moves its first working day; a national holiday (国庆)
    moves everyone's."""
    WorkdayOverride.objects.create(region=haizhu, date=dt.date(2026, 8, 3), is_workday=False, note="调休")
    with at("2026-08-03 09:00"):
        assert "440105" not in monthly_reports.call()
    with at("2026-08-04 09:00"):
        assert monthly_reports.call() == ["440105"]


def test_the_task_is_scheduled_by_the_worker():
    from django.conf import settings

    assert "yiwang.hotline.tasks.monthly_reports" in settings.YIWANG_PERIODIC_TASKS


@pytest.fixture
def generated(month, haizhu, operator):
    with time_machine.travel(AS_OF, tick=False):
        return services.report_generate(actor=operator, region=haizhu, month=NOVEMBER)


URL = "/workbench/hotline/reports/440105/2026-11/"


def test_the_page_shows_every_table_and_the_chart_data(client, generated, operator, django_assert_max_num_queries):
    client.force_login(operator)
    with django_assert_max_num_queries(12):
        page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("summary", "kinds", "leaf_categories", "top_problems", "streets", "communities", "cells"):
        assert f'data-report-table="{key}"' in html
    assert 'id="report-chart-data" type="application/json"' in html
    assert "hotline/vendor/echarts/echarts.min.js" in html and "hotline/report.js" in html
    assert "66.7%" in html and "—" in html
    listing = client.get("/workbench/hotline/reports/").content.decode()
    assert listing.count("data-report-row") == 1 and "/workbench/hotline/reports/440105/2026-11/" in listing


def test_the_page_without_a_snapshot_is_computed_and_writes_nothing(client, month, operator):
    client.force_login(operator)
    assert client.get(URL).status_code == 200
    assert not MonthlyReportSnapshot.objects.exists()
    assert client.get("/workbench/hotline/reports/440105/2026-13/").status_code == 404
    assert client.get("/workbench/hotline/reports/440106/2026-11/").status_code == 404


def test_the_workbook_has_a_sheet_per_table(client, generated, operator):
    client.force_login(operator)
    response = client.get(URL + "xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["总体情况", "按诉求类型", "按一级分类"]
    assert {"按街道", "按社区", "按网格", "承办部门办理情况", "突出问题（前 10 位）"} <= set(book.sheetnames)
    departments = book["承办部门办理情况"]
    assert departments["A1"].value == "承办部门" and departments["D1"].value == "签收率"
    assert [c.value for c in departments[departments.max_row]][:4] == ["合计", 4, 2, "50.0%"]
    assert book["总体情况"]["B2"].value == 5


def test_the_pdf_embeds_its_font(client, generated, operator):
    client.force_login(operator)
    response = client.get(URL + "pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert_every_font_embedded(response.content)


def test_who_may_open_and_generate(client, month, operator, supervisor, urban_liaison):
    pages = ("/workbench/hotline/reports/", URL, URL + "xlsx/", URL + "pdf/")
    client.force_login(supervisor)
    assert [client.get(p).status_code for p in pages] == [200, 200, 200, 200]
    assert b"report-generate" not in client.get(pages[0]).content
    assert (
        client.post("/workbench/hotline/reports/generate/", {"region": "440105", "month": "2026-11"}).status_code == 404
    )
    for who, expected in ((urban_liaison, 404), (User.objects.get(username="hz-grid-worker"), 404)):
        client.force_login(who)
        assert [client.get(p).status_code for p in pages] == [expected] * 4
    client.force_login(User.objects.get(username="citizen"))
    assert [client.get(p).status_code for p in pages] == [403] * 4
    assert not MonthlyReportSnapshot.objects.exists()
    client.force_login(operator)
    with time_machine.travel(AS_OF, tick=False):
        response = client.post("/workbench/hotline/reports/generate/", {"region": "440105", "month": "2026-11"})
    assert response.status_code == 302 and response["Location"] == URL
    assert MonthlyReportSnapshot.objects.get().data["totals"]["received"] == 5


def test_a_month_not_yet_begun_is_refused_and_nothing_is_written(client, month, haizhu, operator):
    """The running month can be reported so far; the next one has no orders to report."""
    with time_machine.travel(AS_OF, tick=False):
        with pytest.raises(ValidationFailed) as refused:
            services.report_generate(actor=operator, region=haizhu, month=dt.date(2027, 1, 1))
        assert refused.value.fields == {"month": ["不能生成未来月份的通报"]}
        client.force_login(operator)
        response = client.post("/workbench/hotline/reports/generate/", {"region": "440105", "month": "2027-01"})
        assert response.status_code == 302 and response["Location"] == "/workbench/hotline/reports/"
        assert "不能生成未来月份的通报" in client.get(response["Location"]).content.decode()
        assert services.report_generate(actor=operator, region=haizhu, month=dt.date(2026, 12, 1)).pk
    assert not AuditEntry.objects.filter(action="hotline.report_generate", data__month="2027-01").exists()
    assert list(MonthlyReportSnapshot.objects.values_list("month", flat=True)) == [dt.date(2026, 12, 1)]

"""办件进度查询 without login: the case number and the query code printed on the notice."""

import shutil
import subprocess

import pytest

from tests.case_fixtures import food_form, form_for
from yiwang.accounts.services import person_register
from yiwang.catalog.models import ItemImplementation
from yiwang.desk import pdf, services
from yiwang.org.models import ServiceCenter, Window

WALK_IN_ID = "11010519491231002X"


@pytest.fixture
def walk_in_case(monday, clerk, restaurant):
    """王小明's 结婚登记 at window 1, given a correction notice (一次性告知书)."""
    window = Window.objects.get(center=ServiceCenter.objects.get(name="海珠区政务服务中心"), number="1")
    marriage = ItemImplementation.objects.get(code="R040-440105")
    person = person_register(actor=clerk, name="王小明", id_number=WALK_IN_ID)
    return services.desk_intake(
        actor=clerk,
        window=window,
        implementation=marriage,
        form_data=form_for(marriage, person=person),
        person=person,
        outcome="correct",
        points=["请补充户口簿原件"],
    )


def _lookup(client, number, code):
    return client.post("/progress/", {"number": number, "query_code": code})


def test_the_right_number_and_code_show_the_progress_and_nothing_personal(client, walk_in_case):
    assert len(walk_in_case.query_code) == 6
    response = _lookup(client, walk_in_case.number.lower(), walk_in_case.query_code)
    assert response.status_code == 200
    page = response.content.decode()
    assert walk_in_case.number in page and "内地居民结婚登记" in page and "一次性告知补正" in page
    assert "王**" in page and "王小明" not in page and WALK_IN_ID not in page and "13900000009" not in page
    assert "户口簿" not in page  # the correction points are for the applicant, not for whoever holds the number
    assert "综合窗口人员" not in page  # no staff names


def test_a_wrong_code_and_a_wrong_number_get_the_same_answer(client, walk_in_case):
    wrong_code = f"{(int(walk_in_case.query_code) + 1) % 10**6:06d}"
    by_code = _lookup(client, walk_in_case.number, wrong_code)
    by_number = _lookup(client, walk_in_case.number[:-1] + "9", walk_in_case.query_code)
    assert by_code.status_code == by_number.status_code == 404
    message = "办件编号或查询码不正确"
    assert message in by_code.content.decode() and message in by_number.content.decode()
    assert 'id="progress-result"' not in by_code.content.decode()


def test_lookups_are_throttled_per_address(client, walk_in_case, settings):
    settings.PROGRESS_LOOKUP_RATE = "3/m"
    for _ in range(3):
        _lookup(client, walk_in_case.number, "000000")
    throttled = _lookup(client, walk_in_case.number, walk_in_case.query_code)
    assert throttled.status_code == 429 and "过于频繁" in throttled.content.decode()
    assert 'id="progress-result"' not in throttled.content.decode()


def test_the_page_needs_no_login(client):
    page = client.get("/progress/").content.decode()
    assert 'name="query_code"' in page and 'name="number"' in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_every_notice_prints_the_query_code_and_where_to_look(walk_in_case, settings):
    settings.YIWANG_PUBLIC_URL = "https://zwfw.example.gov.cn"
    _title, data = pdf.notice_pdf(walk_in_case)
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    assert walk_in_case.query_code in flat
    assert "https://zwfw.example.gov.cn/progress/" in flat
    assert "登录一网通办" not in flat


def test_the_applicants_case_page_shows_the_query_code(client, monday, enterprise_agent, restaurant, food_permit):
    from tests.case_fixtures import uploads_for
    from yiwang.cases.services import case_submit

    case = case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(food_permit),
        idempotency_key="progress-1",
    )
    client.force_login(enterprise_agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'id="query-code">{case.query_code}<' in page and "/progress/" in page

"""双公示时效 on the staff site: 效能监察 sees which of its district's decisions went online after their 7 working days
(国办发〔2015〕51号 第（十八）项: "自作出行政决定之日起7个工作日内上网公开"); a department's 负责人 sees its own."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

URL = "/workbench/insights/publications/"


@pytest.fixture
def two_fines(fine):
    fine()  # decided Friday 2026-11-20, published the Monday after: in time
    fine(number="海综执罚〔2026〕102号", decided_on=dt.date(2026, 9, 30))  # published weeks later: late


def test_the_districts_supervisor_sees_each_departments_late_publications(
    client, two_fines, supervisor, django_assert_max_num_queries
):
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(URL, {"period": "2026-Q3"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "海珠区城市管理和综合执法局" in html
    assert "海综执罚〔2026〕102号" in html and "海综执罚〔2026〕101号" not in html
    november = client.get(URL, {"period": "2026-11"}).content.decode()
    assert "本期没有超期公示的决定" in november
    assert "100%" in november


def test_a_department_head_sees_only_their_own(client, two_fines):
    head = get_user_model().objects.get(username="hz-samr-head")
    client.force_login(head)
    html = client.get(URL, {"period": "2026-Q3"}).content.decode()
    assert "海综执罚〔2026〕102号" not in html
    assert "本期无数据" in html


def test_staff_without_the_figures_do_not_find_it(client, two_fines, samr_reviewer):
    client.force_login(samr_reviewer)
    assert client.get(URL, {"period": "2026-Q3"}).status_code == 404

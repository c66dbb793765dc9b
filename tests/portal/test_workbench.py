"""The staff workbench shell: staff only, and scoped — another district's row is a 404, not a 403."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_workbench_requires_login(client):
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_citizen_is_refused(client, citizen):
    client.force_login(citizen)
    assert client.get("/workbench/").status_code == 403


def test_workbench_shows_roles(client, samr_reviewer):
    client.force_login(samr_reviewer)
    html = client.get("/workbench/").content.decode()
    assert "审批人员" in html and "市场监督管理局" in html


def test_implementation_list_is_scoped(client, samr_reviewer):
    client.force_login(samr_reviewer)
    html = client.get("/workbench/implementations/").content.decode()
    assert "R005-440105" in html
    assert "R005-440106" not in html


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("samr_reviewer", "R005-440105", "R005-440106"),
        ("tianhe_reviewer", "R005-440106", "R005-440105"),
    ],
)
def test_other_districts_implementation_is_404(client, request, persona, visible, hidden):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/workbench/implementations/{visible}/").status_code == 200
    response = client.get(f"/workbench/implementations/{hidden}/")
    assert response.status_code == 404
    assert "未找到您要的页面" in response.content.decode()


def test_login_page_renders_and_logs_in(client, citizen):
    assert "密码" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/login/", {"username": "citizen", "password": "yiwang-demo"})
    assert response.status_code == 302


def test_admin_index_warns_about_missing_holiday_years(client, superuser):
    # chinese_calendar covers 2026 at most, and no override is entered: this year and next from 2027 on.
    today = timezone.localdate()
    years = "、".join(str(y) for y in (today.year, today.year + 1) if y > 2026)
    client.force_login(superuser)
    html = client.get("/admin/").content.decode()
    assert (
        f"尚未录入 {years} 年节假日安排：相关期限按周末临时计算（临时）。"
        "请依据国务院办公厅通知在「工作日调整」中录入，并登记「节假日安排年度」。"
    ) in html

"""The item's own form at the window: prefilled from the applicant the clerk registered, escaped, and an
incomplete form that still gets its 一次性告知书, listing the form's points with the materials'; the desk's case
page shows the points the notice carries; acceptance waits for a complete form."""

import pytest
from django.urls import reverse

from tests.form_fixtures import SCRIPT
from yiwang.cases import services
from yiwang.cases.models import Case
from yiwang.core.errors import ValidationFailed

ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


@pytest.fixture
def desk(client, clerk, window1, restaurant):
    client.force_login(clerk)
    assert client.get(reverse("desk:index"), {"window": window1.pk}).status_code == 302
    assert client.post(reverse("desk:applicant"), {"kind": "entity", "uscc": restaurant.uscc}).status_code == 302
    return client


def _specs(implementation):
    return [s for s in implementation.item.current_version.materials.all() if s.source == "applicant"]


def _post(desk, implementation, outcome, **data):
    return desk.post(reverse("desk:intake", args=[implementation.code]), {"outcome": outcome, **data})


def test_the_intake_form_is_prefilled_from_the_register_and_escaped(monday, desk, food_schema_installed, restaurant):
    page = desk.get(reverse("desk:intake", args=[food_schema_installed.code])).content.decode()
    assert ESCAPED in page and SCRIPT not in page
    assert "<legend>申请人信息</legend>" in page and "已从市场主体登记信息带入" in page
    uscc_input = next(line for line in page.splitlines() if 'name="f-uscc"' in line)
    assert "disabled" in uscc_input and restaurant.uscc in uscc_input
    assert f'value="{restaurant.address}"' in page or not restaurant.address


def test_accepting_an_incomplete_form_is_refused_with_the_notice_points_prefilled(monday, desk, food_schema_installed):
    received = [s.pk for s in _specs(food_schema_installed)]
    response = _post(desk, food_schema_installed, "accept", received=received, **{"f-mode": "catering"})
    assert response.status_code == 422 and not Case.objects.exists()
    form = response.context["form"]
    assert {"phone", "area", "kitchen_area"} <= set(form.errors)
    points = response.context["posted"]["points"].splitlines()
    assert "申请表「经营场所面积（平方米）」：此项为必填项" in points
    assert "申请表「加工操作区面积（平方米）」：此项为必填项" in points
    assert 'id="points"' in response.content.decode() and "申请表「联系电话」" in response.content.decode()


def test_the_desk_issues_one_notice_for_an_incomplete_form_and_a_missing_material(
    monday, desk, food_schema_installed, clerk, restaurant
):
    first, *rest = _specs(food_schema_installed)
    typed = {"f-phone": "13800000004", "f-mode": "shop", "f-area": "很大", "f-uscc": "123456789012345678"}
    tried = _post(desk, food_schema_installed, "accept", received=[s.pk for s in rest], **typed)
    assert tried.status_code == 422
    assert tried.context["errors"] == {"materials": [f"尚缺必需材料：{first.name}"]}  # with the form's, at once
    prefilled = tried.context["posted"]["points"]
    assert prefilled == "申请表「经营场所面积（平方米）」：输入一个数字。"
    response = _post(
        desk,
        food_schema_installed,
        "correct",
        received=[s.pk for s in rest],
        points=prefilled + "\n请带公章",
        **typed,
    )
    assert response.status_code == 302, response.context and response.context.get("errors")
    case = Case.objects.get()
    assert case.status == Case.Status.CORRECTION_REQUESTED
    assert case.form_data["uscc"] == restaurant.uscc and case.form_data["mode"] == "shop"
    assert "area" not in case.form_data
    points = case.corrections.get().points
    area_points = [p for p in points if "经营场所面积" in p]
    assert len(area_points) == 1  # the clerk kept the pre-filled point: it is told once
    assert f"补交《{first.name}》（{first.get_form_display()}）" in points and "请带公章" in points

    page = desk.get(reverse("desk:case", args=[case.number])).content.decode()
    assert 'data-testid="correction-points"' in page
    for point in points:
        assert point in page

    with pytest.raises(ValidationFailed) as exc:
        services.case_accept(actor=clerk, case=case)
    assert "area" in exc.value.fields


def test_refusing_or_accepting_still_needs_the_form(monday, desk, food_schema_installed):
    response = _post(desk, food_schema_installed, "refuse", reasons="不属于本机关管辖")
    assert response.status_code == 422 and not Case.objects.exists()

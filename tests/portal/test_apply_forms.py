"""The item's own application form on the public pages: grouped, escaped, prefilled and locked from the
register, conditional fields, every error in one round (page and API), and the blank form and 样表 as PDF."""

import os
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from tests.case_fixtures import PDF, uploads_for
from tests.cases.test_api_cases import bearer, post, upload
from tests.form_fixtures import LUCKY_USCC, SCRIPT, answers
from yiwang.cases import services
from yiwang.cases.models import Case
from yiwang.catalog.models import ItemVersion
from yiwang.core.errors import ValidationFailed
from yiwang.desk.services import desk_intake
from yiwang.org.models import ServiceCenter, Window

APPLY = "/apply/R005-440105/"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


def _files(implementation, *, skip=frozenset()):
    return {
        f"material_{spec.pk}": SimpleUploadedFile(f"{spec.name}.pdf", PDF + spec.name.encode(), "application/pdf")
        for spec in implementation.item.current_version.materials.all()
        if spec.source == "applicant" and spec.name not in skip
    }


def _apply(client, implementation, restaurant, token, *, skip=frozenset(), **changes):
    data = {
        **answers(**changes),
        "case-applicant": f"entity-{restaurant.pk}",
        "delivery-method": Case.Delivery.WINDOW,
        "delivery-center": ServiceCenter.objects.get(name="海珠区政务服务中心").pk,
        "case-token": token,
        **_files(implementation, skip=skip),
    }
    return client.post(APPLY, data)


@pytest.fixture
def agent_client(client, enterprise_agent):
    client.force_login(enterprise_agent)
    return client


def test_the_apply_page_groups_prefills_locks_and_escapes(agent_client, food_schema_installed, restaurant):
    page = agent_client.get(APPLY).content.decode()
    for group in ("申请人信息", "联系方式", "经营信息"):
        assert f"<legend>{group}</legend>" in page
    assert f'value="{restaurant.uscc}"' in page and "已从市场主体登记信息带入" in page
    uscc_input = next(line for line in page.splitlines() if 'name="uscc"' in line)
    assert "disabled" in uscc_input
    assert ESCAPED in page and SCRIPT not in page
    assert 'data-shown-when="[[&quot;mode&quot;, [&quot;catering&quot;]]]"' in page
    assert 'type="checkbox" name="projects"' in page and 'type="radio" name="mode"' in page
    assert "/items/R005/form.pdf" in page and "/items/R005/form-example.pdf" in page


def test_form_and_material_errors_come_back_in_one_round(monday, agent_client, food_schema_installed, restaurant):
    # The schema's checks (a USCC that only looks right, a condition) and a missing material, together.
    missing = "食品安全自查、从业人员健康管理等制度"
    response = _apply(
        agent_client,
        food_schema_installed,
        restaurant,
        "t-1",
        skip={missing},
        supplier_uscc=LUCKY_USCC,
        kitchen_area=None,
    )
    page = response.content.decode()
    assert response.status_code == 422 and not Case.objects.exists()
    form = response.context["form"]
    assert "行政区划" in form.errors["supplier_uscc"][0]
    assert form.errors["kitchen_area"] == ["此项为必填项"]
    assert f"缺少必需材料：{missing}" in page

    # A field the page itself cannot read (not a number) does not hide the materials' error either.
    response = _apply(agent_client, food_schema_installed, restaurant, "t-2", skip={missing}, area="很大")
    assert response.status_code == 422
    assert "area" in response.context["form"].errors
    assert f"缺少必需材料：{missing}" in response.content.decode()


def test_identity_fields_come_from_the_register_whatever_is_posted(
    monday, agent_client, food_schema_installed, restaurant
):
    response = _apply(
        agent_client, food_schema_installed, restaurant, "t-3", company="冒名公司", uscc=LUCKY_USCC, mode="shop"
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    case = Case.objects.get()
    assert case.form_data["company"] == restaurant.name and case.form_data["uscc"] == restaurant.uscc
    assert case.form_data["legal_rep"] == restaurant.legal_representative
    assert "kitchen_area" not in case.form_data  # 食品销售: the 餐饮 field is not part of the application


def test_the_api_refuses_a_lucky_uscc_and_missing_materials_together(
    monday, client, enterprise_agent, food_schema_installed, restaurant
):
    headers = bearer(enterprise_agent)
    specs = [s for s in food_schema_installed.item.current_version.materials.all() if s.source == "applicant"]
    materials = []
    for spec in specs[1:]:
        key = upload(client, headers, PDF + spec.name.encode()).json()["key"]
        materials.append({"spec": spec.pk, "key": key, "filename": f"{spec.name}.pdf"})
    body = {
        "implementation": food_schema_installed.code,
        "entity": restaurant.uscc,
        "form": {
            "phone": "13800000004",
            "mode": "shop",
            "area": 50,
            "supplier_uscc": LUCKY_USCC,
        },
        "materials": materials,
        "delivery_method": "window",
    }
    answer = post(client, "/api/v1/cases", {**headers, "Idempotency-Key": "api-1"}, body)
    assert answer.status_code == 422, answer.content
    fields = answer.json()["error"]["fields"]
    assert "supplier_uscc" in fields and "行政区划" in fields["supplier_uscc"][0]
    assert fields["materials"] == [f"缺少必需材料：{specs[0].name}"]
    assert not Case.objects.exists()


def test_the_item_guide_escapes_help_texts(client, food_schema_installed):
    page = client.get("/items/R005/").content.decode()
    assert ESCAPED in page and SCRIPT not in page
    assert "<legend>经营信息</legend>" in page


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([tool, "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _fonts(data: bytes) -> str:
    tool = shutil.which("pdffonts")
    if tool is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    return subprocess.run([tool, "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_blank_form_and_the_example_download_as_pdf_with_the_font_embedded(client, food_schema_installed):
    blank = client.get("/items/R005/form.pdf")
    assert blank.status_code == 200 and blank["Content-Type"] == "application/pdf"
    text = _pdf_text(blank.content)
    assert "食品经营许可（新办）申请表" in text
    for words in ("申请人信息", "经营信息", "主体业态", "□食品销售经营者", "主体业态为“餐饮服务经营者”时填写"):
        assert words in text
    assert "样表" not in text
    fonts = _fonts(blank.content).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded

    example = client.get("/items/R005/form-example.pdf")
    text = _pdf_text(example.content)
    assert "（样表）" in text and "广州市海珠区示例餐饮有限公司" in text and "91440105MA59ABCD17" in text
    assert "■餐饮服务经营者" in text and "■热食类食品制售" in text


def test_an_item_without_an_example_offers_only_the_blank_form(client, db):
    # Every reference item has its 样表: take R006's away, as a catalog administrator may.
    ItemVersion.objects.filter(item__code="R006", item__current_version=F("pk")).update(form_example={})
    page = client.get("/items/R006/").content.decode()
    assert "/items/R006/form.pdf" in page and "/items/R006/form-example.pdf" not in page
    assert client.get("/items/R006/form-example.pdf").status_code == 404
    assert client.get("/items/R006/form.pdf").status_code == 200


def test_case_submit_gives_form_and_material_errors_in_one_error(
    monday, enterprise_agent, food_schema_installed, restaurant
):
    missing = "食品安全自查、从业人员健康管理等制度"
    with pytest.raises(ValidationFailed) as exc:
        services.case_submit(
            actor=enterprise_agent,
            implementation=food_schema_installed,
            entity=restaurant,
            form_data={"phone": "1", "mode": "catering", "area": 50},
            uploads=uploads_for(food_schema_installed, skip={missing}),
        )
    assert exc.value.fields == {
        "phone": ["联系电话：应为手机号或带区号的固定电话"],
        "kitchen_area": ["此项为必填项"],
        "materials": [f"缺少必需材料：{missing}"],
    }
    assert not Case.objects.exists()


def test_a_correction_of_an_incomplete_window_form_is_answered_online_in_one_round(
    monday, agent_client, clerk, food_schema_installed, restaurant
):
    window1 = Window.objects.get(center__name="海珠区政务服务中心", number="1")
    first, *rest = [s for s in food_schema_installed.item.current_version.materials.all() if s.source == "applicant"]
    case = desk_intake(
        actor=clerk,
        window=window1,
        implementation=food_schema_installed,
        form_data={"phone": "13800000004", "mode": "catering", "area": 60},
        outcome="correct",
        entity=restaurant,
        received={s.pk for s in rest},
    )
    assert any("加工操作区面积" in p for p in case.corrections.get().points)
    url = f"/cases/{case.number}/resubmit/"
    page = agent_client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="resubmit-form"' in page and "<legend>经营信息</legend>" in page

    response = agent_client.post(url, answers(kitchen_area=None))
    assert response.status_code == 422
    assert response.context["resubmit_form"].errors["kitchen_area"] == ["此项为必填项"]
    assert f"缺少必需材料：{first.name}" in response.content.decode()

    response = agent_client.post(url, {**answers(), **_files(food_schema_installed, skip={s.name for s in rest})})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED and case.form_data["kitchen_area"] == 30
    assert services.case_accept(actor=clerk, case=case).status == Case.Status.UNDER_REVIEW

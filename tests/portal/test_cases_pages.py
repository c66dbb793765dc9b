"""The applicant's pages through HTTP: apply with real multipart uploads, follow the case, answer a correction,
withdraw, rate; and what they must not show (another's case, a department's opinion before the decision)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.case_fixtures import PDF, decide, food_form
from yiwang.cases import services
from yiwang.cases.models import Case
from yiwang.core.models import Notification
from yiwang.ratings.models import Rating
from yiwang.ratings.services import rectification_answer
from yiwang.workflow.models import Task

APPLY = "/apply/R005-440105/"


def _specs(implementation):
    return list(implementation.item.current_version.materials.all())


def _files(implementation, *, skip=frozenset(), bad=None):
    """A multipart file for each material the applicant must hand in (not the 免提交 ones)."""
    files = {}
    for spec in _specs(implementation):
        if spec.source != "applicant" or spec.name in skip:
            continue
        content = b"just some text, not a scan" if spec.name == bad else PDF + spec.name.encode()
        files[f"material_{spec.pk}"] = SimpleUploadedFile(f"{spec.name}.pdf", content, "application/pdf")
    return files


def _token(response) -> str:
    return re.search(r'name="case-token" value="([0-9a-f]+)"', response.content.decode()).group(1)


def _post_application(client, implementation, restaurant, *, token, form=None, **file_options):
    data = {
        **(form if form is not None else food_form(restaurant)),
        "case-applicant": f"entity-{restaurant.pk}",
        "delivery-method": Case.Delivery.POST,
        "delivery-recipient": "赵六",
        "delivery-phone": "13800000004",
        "delivery-address": "广州市海珠区南洲路 88 号",
        "case-token": token,
        **_files(implementation, **file_options),
    }
    return client.post(APPLY, data)


@pytest.fixture
def agent_client(client, enterprise_agent):
    client.force_login(enterprise_agent)
    return client


def test_the_form_page_shows_the_schema_form_the_materials_and_a_fresh_token(agent_client, food_permit, restaurant):
    response = agent_client.get(APPLY)
    page = response.content.decode()
    assert response.status_code == 200
    for field in ("applicant_name", "uscc", "contact_name", "contact_phone", "address"):
        assert f'name="{field}"' in page
    assert restaurant.name in page and 'value="entity-' in page
    for spec in _specs(food_permit):
        if spec.is_exempt:
            assert f'name="material_{spec.pk}"' not in page
        else:
            assert f'name="material_{spec.pk}" accept=' in page
    assert page.count("免提交 · 已由平台调取（共享数据）") == 1  # 法定代表人身份证明
    # 营业执照: the restaurant holds one in the e-licence store, so the form says it will be drawn in.
    assert "免提交 · 已查到有效电子证照，提交时自动调取" in page and "440105-2023-YYZZ-000001" in page
    assert "不超过 10 MB" in page
    assert _token(response) != _token(agent_client.get(APPLY))


def test_applying_needs_a_login(client):
    response = client.get(APPLY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_implementation_is_404(agent_client):
    assert agent_client.get("/apply/R999-440105/").status_code == 404


def test_an_item_not_offered_online_says_so_and_takes_nothing(monday, client, citizen):
    client.force_login(citizen)
    page = client.get("/apply/R031-440105/").content.decode()  # 居民身份证换领: in person at the window
    assert 'id="offline"' in page and 'id="apply-form"' not in page
    response = client.post("/apply/R031-440105/", {"case-applicant": "person", "case-token": "t-offline"})
    assert response.status_code == 409 and not Case.objects.exists()


def test_apply_over_http_then_a_repeat_with_the_same_token_returns_the_first_case(
    monday, agent_client, food_permit, restaurant, enterprise_agent
):
    token = _token(agent_client.get(APPLY))
    first = _post_application(agent_client, food_permit, restaurant, token=token)
    assert first.status_code == 302
    case = Case.objects.get(submitted_by=enterprise_agent, idempotency_key=token)
    assert first["Location"] == f"/cases/{case.number}/"
    assert case.applicant_entity == restaurant and case.delivery_method == Case.Delivery.POST
    assert case.form_data == food_form(restaurant)
    uploaded = case.materials.exclude(file_key="")
    assert uploaded.count() == 3 and all(m.filename.endswith(".pdf") for m in uploaded)
    assert case.materials.filter(provided__in=["shared", "licence"]).count() == 2

    again = _post_application(agent_client, food_permit, restaurant, token=token)  # a double click
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.filter(submitted_by=enterprise_agent, idempotency_key=token).count() == 1
    assert Case.objects.filter(submitted_by=enterprise_agent).count() == 1


def test_a_text_file_named_pdf_is_refused_by_its_content_and_nothing_is_lost(
    monday, agent_client, food_permit, restaurant
):
    bad = next(s for s in _specs(food_permit) if s.name == "食品安全自查、从业人员健康管理等制度")
    form = {**food_form(restaurant), "address": "海珠区南洲路 88 号 2 楼"}
    response = _post_application(agent_client, food_permit, restaurant, token="t-bad", form=form, bad=bad.name)
    page = response.content.decode()
    assert response.status_code == 422
    assert not Case.objects.exists()
    errors = re.search(rf'id="material_{bad.pk}-errors">(.*?)</ul>', page, re.S).group(1)
    assert "只接受 PDF、JPG、PNG 文件（按文件内容判断）" in errors
    assert 'value="海珠区南洲路 88 号 2 楼"' in page  # the form keeps what was typed
    kept = re.findall(r'name="kept-(material_\d+)" value="([0-9a-f]+)"', page)
    assert len(kept) == 2 and f"material_{bad.pk}" not in dict(kept)  # the good files stay uploaded
    assert 'name="case-token" value="t-bad"' in page

    # Only the refused file is chosen again; the kept ones ride along as hidden keys.
    data = {
        **form,
        "case-applicant": f"entity-{restaurant.pk}",
        "delivery-method": "online",
        "case-token": "t-bad",
        **{f"kept-{field}": key for field, key in kept},
        f"material_{bad.pk}": SimpleUploadedFile("制度.pdf", PDF + b"rules", "application/pdf"),
    }
    assert agent_client.post(APPLY, data).status_code == 302
    case = Case.objects.get()
    assert case.materials.exclude(file_key="").count() == 3 and case.form_data["address"] == form["address"]


def test_a_missing_required_material_is_named(monday, agent_client, food_permit, restaurant):
    response = _post_application(agent_client, food_permit, restaurant, token="t-missing", skip={"食品经营许可申请书"})
    assert response.status_code == 422
    errors = re.search(r'id="materials-errors">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert "缺少必需材料：食品经营许可申请书" in errors
    assert not Case.objects.exists()


def test_form_errors_are_shown_per_field(monday, agent_client, food_permit, restaurant):
    form = {**food_form(restaurant), "contact_name": "", "contact_phone": "12345"}
    response = _post_application(agent_client, food_permit, restaurant, token="t-form", form=form)
    page = response.content.decode()
    assert response.status_code == 422
    assert "此项为必填项" in re.search(r'id="contact_name-errors">(.*?)</ul>', page, re.S).group(1)
    assert "应为手机号或带区号的固定电话" in re.search(r'id="contact_phone-errors">(.*?)</ul>', page, re.S).group(1)
    assert 'id="uscc-errors"' not in page and f'value="{restaurant.uscc}"' in page
    assert not Case.objects.exists()


def test_nobody_applies_for_an_entity_they_are_not_the_agent_of(monday, client, citizen, food_permit, restaurant):
    client.force_login(citizen)
    response = _post_application(client, food_permit, restaurant, token="t-x")
    assert response.status_code == 422
    assert 'id="case-applicant-errors"' in response.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_shows_departments_deadlines_and_the_timeline(in_review, agent_client):
    page = agent_client.get(f"/cases/{in_review.number}/").content.decode()
    departments = re.search(r'id="departments">(.*?)</section>', page, re.S).group(1)
    assert "海珠区市场监督管理局" in departments and "牵头部门" in departments
    assert "海珠区城市管理和综合执法局" in departments and "协办部门（并联审查）" in departments
    deadlines = re.search(r'id="deadlines">(.*?)</section>', page, re.S).group(1)
    assert "2026-11-30" in deadlines and "2026-12-07" in deadlines  # promised and statutory
    timeline = re.search(r'id="timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.index("提交申请") < timeline.index("受理") < timeline.index("进入审查")
    assert "审查中" in page and "第 1 版" in page


def test_a_departments_opinion_shows_only_once_the_case_is_decided(
    in_review, agent_client, samr_reviewer, urban_reviewer
):
    urban = in_review.tasks.get(department__kind="URBAN")
    services.task_complete(actor=urban_reviewer, task=urban, outcome="agree", opinion="油烟净化设施已现场核实")
    page = agent_client.get(f"/cases/{in_review.number}/").content.decode()
    assert "油烟净化设施已现场核实" not in page
    assert "同意" in re.search(r'id="departments">(.*?)</section>', page, re.S).group(1)

    services.task_complete(
        actor=samr_reviewer, task=in_review.tasks.get(department__kind="SAMR"), outcome="agree", opinion="符合"
    )
    decide(in_review, grant=False, reasons="布局不符合要求")
    page = agent_client.get(f"/cases/{in_review.number}/").content.decode()
    assert "油烟净化设施已现场核实" in page
    result = re.search(r'id="result">(.*?)</section>', page, re.S).group(1)
    assert "不予许可" in result and "布局不符合要求" in result and "行政复议" in result


def test_another_applicant_cannot_open_the_case(in_review, client, citizen):
    client.force_login(citizen)
    assert client.get(f"/cases/{in_review.number}/").status_code == 404
    assert client.post(f"/cases/{in_review.number}/withdraw/").status_code == 404
    assert in_review.number not in client.get("/cases/").content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.UNDER_REVIEW


def test_my_cases_lists_the_case(submitted, agent_client):
    page = agent_client.get("/cases/").content.decode()
    assert f'href="/cases/{submitted.number}/"' in page and "已申报，待受理" in page


def test_before_acceptance_the_page_names_the_departments_that_will_review(submitted, agent_client):
    page = agent_client.get(f"/cases/{submitted.number}/").content.decode()
    planned = re.search(r'id="planned-departments">(.*?)</table>', page, re.S).group(1)
    assert "海珠区市场监督管理局" in planned and "海珠区城市管理和综合执法局" in planned
    assert "协办部门（并联审查）" in planned
    deadlines = re.search(r'id="deadlines">(.*?)</section>', page, re.S).group(1)
    assert "受理期限" in deadlines and "2026-11-30" in deadlines  # 5 working days to accept or correct


def test_withdraw_asks_first_then_withdraws(in_review, agent_client):
    url = f"/cases/{in_review.number}/withdraw/"
    assert f'href="{url}"' in agent_client.get(f"/cases/{in_review.number}/").content.decode()
    confirm = agent_client.get(url)
    assert confirm.status_code == 200 and "确认撤回" in confirm.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.UNDER_REVIEW  # looking at the confirmation changes nothing

    response = agent_client.post(url, {"reason": "暂缓开业"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Case.Status.WITHDRAWN and in_review.closed_reason == "暂缓开业"
    assert not in_review.tasks.filter(status__in=Task.OPEN_STATES).exists()
    page = agent_client.get(f"/cases/{in_review.number}/").content.decode()
    assert "已撤回" in page and 'id="withdraw"' not in page


def test_a_correction_is_answered_through_the_page(submitted, agent_client, clerk, food_permit):
    services.case_request_correction(actor=clerk, case=submitted, points=["申请书未签字", "布局图不清晰"])
    page = agent_client.get(f"/cases/{submitted.number}/").content.decode()
    correction = re.search(r'id="correction">(.*?)</section>', page, re.S).group(1)
    assert "申请书未签字" in correction and "布局图不清晰" in correction
    assert 'value="赵六"' in correction  # the form comes filled with what was submitted

    layout = next(s for s in _specs(food_permit) if s.name.startswith("与食品经营相适应"))
    form = {**food_form(submitted.applicant_entity), "contact_name": "钱七"}
    url = f"/cases/{submitted.number}/resubmit/"
    refused = agent_client.post(url, {**form, f"material_{layout.pk}": SimpleUploadedFile("布局.pdf", b"text")})
    assert refused.status_code == 422 and f'id="material_{layout.pk}-errors"' in refused.content.decode()

    new_file = SimpleUploadedFile("布局图-清晰版.pdf", PDF + b"clear layout", "application/pdf")
    response = agent_client.post(url, {**form, f"material_{layout.pk}": new_file})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED and submitted.form_data["contact_name"] == "钱七"
    assert submitted.materials.get(spec=layout).filename == "布局图-清晰版.pdf"
    assert submitted.corrections.get().answered_at is not None


def test_rating_after_delivery_and_the_rectification_answer(
    in_review, agent_client, samr_reviewer, urban_reviewer, clerk
):
    url = f"/cases/{in_review.number}/"
    assert 'id="rating-form"' not in agent_client.get(url).content.decode()
    for task in in_review.tasks.all():
        who = samr_reviewer if task.department.kind == "SAMR" else urban_reviewer
        services.task_complete(actor=who, task=task, outcome="agree", opinion="同意")
    services.case_deliver(actor=clerk, case=decide(in_review, grant=True), method="window")
    page = agent_client.get(url).content.decode()
    assert 'id="rating-form"' in page and "非常满意" in page and "办理超时" in page
    assert "准予许可" in re.search(r'id="result">(.*?)</section>', page, re.S).group(1)

    unexplained = agent_client.post(url + "rate/", {"score": "2"})
    assert unexplained.status_code == 422 and 'id="comment-errors"' in unexplained.content.decode()
    assert not Rating.objects.exists()

    assert agent_client.post(url + "rate/", {"score": "2", "reasons": ["办理超时"]}).status_code == 302
    rating = Rating.objects.get(case=in_review)
    assert rating.score == 2 and rating.reasons == ["办理超时"]
    page = agent_client.get(url).content.decode()
    assert "不满意" in page and "正在整改" in page and 'id="rating-form"' not in page

    rectification_answer(actor=samr_reviewer, rectification=rating.rectification, answer="已增派人手，限时办结")
    page = agent_client.get(url).content.decode()
    assert "已增派人手，限时办结" in re.search(r'id="rectification-answer">(.*?)</p>', page, re.S).group(1)


def test_notifications_are_listed_and_marked_read(submitted, agent_client, enterprise_agent):
    note = Notification.objects.get(user=enterprise_agent)
    page = agent_client.get("/notifications/").content.decode()
    assert note.title in page and f'href="/cases/{submitted.number}/"' in page and ">新<" in page
    note.refresh_from_db()
    assert note.read_at is None  # looking is not a write: a GET changes nothing
    assert ">新<" in agent_client.get("/notifications/").content.decode()
    assert f'name="read" value="{note.pk}"' in page
    answer = agent_client.post("/notifications/", {"read": [note.pk]})
    assert answer.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert ">新<" not in agent_client.get("/notifications/").content.decode()


def test_marking_read_touches_only_ones_own_notifications(submitted, agent_client, citizen):
    other = Notification.objects.create(user=citizen, title="别人的消息")
    agent_client.post("/notifications/", {"read": [other.pk, "x"]})
    other.refresh_from_db()
    assert other.read_at is None

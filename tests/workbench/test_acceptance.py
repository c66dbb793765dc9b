"""网上预审/受理 through HTTP: the 待受理 queue with its 第三十二条 countdown, accept, one correction notice listing
form fields and materials together, refuse; the landing page that starts a day's work."""

import datetime as dt

import pytest
import time_machine

from tests.case_fixtures import MONDAY, PDF
from yiwang.accounts.demo import DEMO_PASSWORD
from yiwang.cases import selectors, services
from yiwang.cases.models import Case, CorrectionNotice
from yiwang.core.models import Notification
from yiwang.core.storage import store_upload

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_the_queue_holds_what_the_actor_may_accept(
    submitted, client, clerk, samr_reviewer, urban_reviewer, tianhe_reviewer, health_reviewer
):
    for user in (clerk, samr_reviewer):
        page = _as(client, user).get("/workbench/acceptance/").content.decode()
        assert submitted.number in page and "剩 5 个工作日" in page
    for outsider in (urban_reviewer, tianhe_reviewer, health_reviewer):
        page = _as(client, outsider).get("/workbench/acceptance/").content.decode()
        assert submitted.number not in page and "暂无待受理的申请" in page


def test_the_countdown_turns_red_when_the_deadline_has_passed(submitted, client, clerk):
    with time_machine.travel(MONDAY + dt.timedelta(days=8), tick=False):
        page = _as(client, clerk).get("/workbench/acceptance/").content.decode()
    assert 'class="days-left overdue"' in page and "已逾期 1 个工作日" in page


def test_the_queue_keeps_its_queries_flat(
    submitted, client, clerk, enterprise_agent, restaurant, food_permit, django_assert_max_num_queries
):
    from tests.case_fixtures import food_form, uploads_for

    for n in range(5):
        services.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit),
            idempotency_key=f"more-{n}",
        )
    _as(client, clerk)
    with django_assert_max_num_queries(12):
        page = client.get("/workbench/acceptance/").content.decode()
    assert page.count("data-queue-row") == 6
    with django_assert_max_num_queries(16):
        landing = client.get("/workbench/").content.decode()
    assert 'data-count="acceptance">6<' in landing


def test_the_clerk_accepts_from_the_case_page(submitted, client, clerk, enterprise_agent):
    page = _as(client, clerk).get(f"/workbench/cases/{submitted.number}/").content.decode()
    assert 'id="acceptance"' in page and 'id="accept"' in page and 'id="request-correction"' in page
    response = client.post(f"/workbench/acceptance/{submitted.number}/accept/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.UNDER_REVIEW
    assert Notification.objects.filter(user=enterprise_agent, title__contains="已受理").exists()
    assert not selectors.acceptance_queue(clerk).exists()
    # Accepted once: the button is gone, and a replay is the same 404 as any case not awaiting acceptance.
    assert client.post(f"/workbench/acceptance/{submitted.number}/accept/").status_code == 404


def test_one_notice_lists_fields_and_materials_even_while_the_form_is_invalid(
    submitted, client, clerk, enterprise_agent
):
    form = dict(submitted.form_data)
    del form["contact_name"]
    Case.objects.filter(pk=submitted.pk).update(form_data=form)  # as a form saved before the schema tightened
    _as(client, clerk)
    page = client.get(f"/workbench/cases/{submitted.number}/").content.decode()
    assert 'id="form-invalid"' in page
    assert 'name="field" value="contact_name" checked' in page and "此项为必填项" in page

    refused = client.post(f"/workbench/acceptance/{submitted.number}/accept/")
    assert refused.status_code == 422 and "一次性告知书" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED

    spec = submitted.version.materials.order_by("position").first()
    response = client.post(
        f"/workbench/acceptance/{submitted.number}/correction/",
        {
            "field": ["contact_name", "address"],
            "field_note_contact_name": "请填写联系人",
            "material": [str(spec.pk)],
            f"material_note_{spec.pk}": "扫描件不清晰",
            "points": "请补充健康证明\n\n",
        },
    )
    assert response.status_code == 302
    titles = {k: p["title"] for k, p in submitted.version.form_schema["properties"].items()}
    assert CorrectionNotice.objects.get(case=submitted).points == [
        f"申请表「{titles['contact_name']}」：请填写联系人",
        f"申请表「{titles['address']}」：请核对并更正",
        f"《{spec.name}》：扫描件不清晰",
        "请补充健康证明",
    ]
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.CORRECTION_REQUESTED
    assert Notification.objects.filter(user=enterprise_agent, title__contains="请补正").exists()
    assert not selectors.acceptance_queue(clerk).exists()

    services.case_resubmit(
        actor=enterprise_agent,
        case=submitted,
        form_data={**form, "contact_name": "赵六"},
        uploads={spec.pk: (store_upload(data=PDF + b"clear", field="materials"), "clear.pdf")},
    )
    assert [c.pk for c in selectors.acceptance_queue(clerk)] == [submitted.pk]


def test_an_empty_notice_and_a_refusal_without_reasons_change_nothing(submitted, client, clerk, enterprise_agent):
    _as(client, clerk)
    empty = client.post(f"/workbench/acceptance/{submitted.number}/correction/", {"points": " "})
    assert empty.status_code == 422 and "请逐条列明" in empty.content.decode()
    bare = client.post(f"/workbench/acceptance/{submitted.number}/refuse/", {"reasons": ""})
    assert bare.status_code == 422 and "不予受理必须说明理由" in bare.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED
    response = client.post(f"/workbench/acceptance/{submitted.number}/refuse/", {"reasons": "不属于本部门职权范围"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.ACCEPTANCE_REFUSED
    assert Notification.objects.filter(user=enterprise_agent, title__contains="不予受理").exists()


def test_outsiders_cannot_act_on_the_application(submitted, client, urban_reviewer, tianhe_reviewer, citizen):
    for user in (urban_reviewer, tianhe_reviewer):
        _as(client, user)
        assert client.post(f"/workbench/acceptance/{submitted.number}/accept/").status_code == 404
        assert client.post(f"/workbench/acceptance/{submitted.number}/refuse/", {"reasons": "x"}).status_code == 404
    _as(client, citizen)
    assert client.post(f"/workbench/acceptance/{submitted.number}/accept/").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED


@pytest.mark.parametrize(
    ("username", "lands_on"),
    [("hz-gov_service-clerk", "/workbench/"), ("hz-samr-head", "/workbench/"), ("citizen", "/")],
)
def test_staff_land_on_the_workbench_after_login(client, username, lands_on):
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == lands_on


def test_the_landing_shows_only_the_queues_a_role_can_open(client, clerk, samr_signer, supervisor):
    clerk_page = _as(client, clerk).get("/workbench/").content.decode()
    assert 'data-queue="acceptance"' in clerk_page and 'data-queue="decisions"' not in clerk_page
    head_page = _as(client, samr_signer).get("/workbench/").content.decode()
    assert 'data-queue="decisions"' in head_page and 'data-queue="acceptance"' not in head_page
    assert 'data-queue="review"' not in head_page
    supervisor_page = _as(client, supervisor).get("/workbench/").content.decode()
    assert 'data-queue="warnings"' in supervisor_page and 'data-queue="review"' not in supervisor_page


def test_the_window_is_one_click_from_the_workbench_for_those_who_accept(client, clerk, samr_signer, supervisor):
    clerk_page = _as(client, clerk).get("/workbench/").content.decode()
    assert '<a href="/desk/" id="nav-desk">' in clerk_page
    for other in (samr_signer, supervisor):
        assert 'id="nav-desk"' not in _as(client, other).get("/workbench/").content.decode()

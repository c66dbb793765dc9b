"""附件 on work orders, checked like a case's materials: a photo with a call, with a web request, with a
department's reply; bad files refused by the field and nothing left behind; downloads for who sees the order."""

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.models import AuditEntry, Upload
from yiwang.core.storage import UploadQuotaExceeded
from yiwang.hotline import selectors, services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import Assignment, WorkOrder, WorkOrderAttachment

from .conftest import EXE, JPEG, PDF, PNG, stored_files, upload

pytestmark = pytest.mark.django_db

CALL = {
    "kind": "complaint",
    "category": "CITY-01",
    "urgency": "normal",
    "description": "南洲路菜市场门口有人占道摆卖",
    "address": "海珠区南洲路 88 号",
    "caller_name": "李四",
    "caller_phone": "13800138000",
}
MB = 1024 * 1024
WEB = {**CALL, "caller_name": "王五", "caller_phone": "13900139000"}


def _nothing_left(media):
    assert not WorkOrder.objects.exists()
    assert not WorkOrderAttachment.objects.exists() and not Upload.objects.exists()
    assert stored_files(media) == []


# --- through the services ------------------------------------------------------------------------------------


def test_a_call_with_a_photo_keeps_it_on_the_order_and_says_so_in_the_timeline(take, operator, media, monday):
    order = take(attachments=[upload("占道.jpg", JPEG), upload("现场.png", PNG)])
    files = list(order.attachments.order_by("pk"))
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("占道.jpg", "image/jpeg", len(JPEG)),
        ("现场.png", "image/png", len(PNG)),
    ]
    assert {f.source for f in files} == {WorkOrderAttachment.Source.INTAKE}
    assert {f.uploaded_by for f in files} == {operator} and files[0].department is None
    assert len(stored_files(media)) == 2
    assert Upload.objects.filter(owner=operator).count() == 2  # the operator's daily quota counts them
    assert order.log.get(action=Action.TAKE).note == "附件：占道.jpg、现场.png"
    audit = AuditEntry.objects.get(action="hotline.take", target_id=str(order.pk))
    assert [a["name"] for a in audit.data["attachments"]] == ["占道.jpg", "现场.png"]


def test_a_web_request_with_a_photo_has_no_uploader_and_counts_against_no_quota(haizhu, media, monday):
    order = services.order_submit_web(
        region=haizhu,
        kind="complaint",
        category="CITY-01",
        description="路灯不亮",
        caller_phone="13900139000",
        attachments=[upload("路灯.jpg", JPEG)],
    )
    found = order.attachments.get()
    assert found.uploaded_by is None and found.filename == "路灯.jpg"
    assert not Upload.objects.exists()
    assert "路灯.jpg" in order.log.get(action=Action.SUBMIT_WEB).note


def test_a_file_name_is_cleaned_before_it_is_kept(take, media, monday):
    order = take(attachments=[upload("..\\..\\报告\u202egpj.exe.jpg", JPEG)])
    assert order.attachments.get().filename == "报告gpj.exe.jpg"


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([upload("照片.jpg", EXE)], "照片.jpg：只接受 PDF、JPG、PNG 文件（按文件内容判断）"),
        ([upload("大图.png", PNG + b"\x00" * MB)], "大图.png：文件过大"),
        ([upload("空.pdf", b"")], "空.pdf：文件为空"),
        ([upload(f"{n}.jpg", JPEG) for n in range(4)], "最多上传 3 个附件"),
    ],
    ids=["exe-renamed-jpg", "oversized", "empty", "too-many"],
)
def test_a_bad_file_refuses_the_call_and_stores_nothing(take, media, settings, monday, files, says):
    settings.MATERIAL_MAX_BYTES = MB
    with pytest.raises(ValidationFailed) as refused:
        take(attachments=[upload("好的.pdf", PDF), *files] if len(files) == 1 else files)
    assert any(message.startswith(says) for message in refused.value.fields["attachments"])
    _nothing_left(media)


def test_a_bad_file_is_told_beside_the_other_fields_problems(take, media, monday):
    with pytest.raises(ValidationFailed) as refused:
        take(description="", attachments=[upload("a.jpg", EXE)])
    assert set(refused.value.fields) == {"description", "attachments"}
    _nothing_left(media)


def test_a_web_request_with_a_bad_file_is_refused_and_stores_nothing(haizhu, media, monday):
    with pytest.raises(ValidationFailed) as refused:
        services.order_submit_web(
            region=haizhu,
            kind="complaint",
            category="CITY-01",
            description="路灯不亮",
            caller_phone="13900139000",
            attachments=[upload("setup.jpg", EXE)],
        )
    assert "attachments" in refused.value.fields
    _nothing_left(media)


def test_files_past_the_operators_daily_quota_refuse_the_call_and_store_nothing(take, media, settings, monday):
    settings.UPLOAD_DAILY_FILES = 1
    with pytest.raises(UploadQuotaExceeded) as refused:
        take(attachments=[upload("1.jpg", JPEG), upload("2.png", PNG)])
    assert "今日上传已达上限" in refused.value.fields["attachments"][0]
    _nothing_left(media)


def test_a_reply_with_a_photo_of_the_fix_names_the_department(dispatched, urban, urban_liaison, media, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    services.order_reply(
        actor=urban_liaison,
        order=dispatched,
        reply="已清理占道摊档",
        outcome="solved",
        attachments=[upload("整改后.jpg", JPEG), upload("答复函.pdf", PDF)],
    )
    files = list(dispatched.attachments.order_by("pk"))
    assert [f.filename for f in files] == ["整改后.jpg", "答复函.pdf"]
    assert {(f.source, f.department_id, f.uploaded_by_id) for f in files} == {
        (WorkOrderAttachment.Source.REPLY, urban.pk, urban_liaison.pk)
    }
    note = dispatched.log.get(action=Action.REPLY).note
    assert note.startswith(f"{urban.name}（已解决）：已清理占道摊档") and note.endswith("附件：整改后.jpg、答复函.pdf")


def test_a_reply_with_a_bad_file_is_not_recorded(dispatched, urban_liaison, media, monday):
    services.order_sign(actor=urban_liaison, order=dispatched)
    with pytest.raises(ValidationFailed) as refused:
        services.order_reply(
            actor=urban_liaison,
            order=dispatched,
            reply="已清理",
            outcome="solved",
            attachments=[upload("整改后.jpg", JPEG), upload("病毒.jpg", EXE)],
        )
    assert refused.value.fields == {"attachments": ["病毒.jpg：只接受 PDF、JPG、PNG 文件（按文件内容判断）"]}
    assert dispatched.assignments.get().status == Assignment.Status.SIGNED
    assert WorkOrder.objects.get(pk=dispatched.pk).status == WorkOrder.Status.SIGNED
    assert not dispatched.log.filter(action=Action.REPLY).exists()
    assert not WorkOrderAttachment.objects.exists() and stored_files(media) == []


def test_a_file_is_read_by_who_sees_the_order_only(
    take, operator, urban, urban_liaison, housing_liaison, media, monday
):
    order = take(confidential=True, attachments=[upload("现场.jpg", JPEG)])
    services.order_dispatch(actor=operator, order=order, lead=urban, handling=WorkOrder.Handling.CHRONIC)
    found = order.attachments.get()
    # A confidential order's files are the problem, not the caller: its department sees them.
    assert selectors.attachment_for(urban_liaison, order.number, found.pk) == found
    with pytest.raises(NotFound):
        selectors.attachment_for(housing_liaison, order.number, found.pk)
    other = take(description="另一件")
    with pytest.raises(NotFound):  # a file is found only under its own order's number
        selectors.attachment_for(operator, other.number, found.pk)


# --- through the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def call(haizhu):
    return {**CALL, "region": str(haizhu.pk), "action": "take"}


def test_the_operator_attaches_a_photo_on_the_call_screen(client, operator, call, media, monday):
    client.force_login(operator)
    assert 'name="attachments"' in client.get("/workbench/hotline/").content.decode()
    response = client.post("/workbench/hotline/", {**call, "attachments": [upload("占道.jpg", JPEG)]})
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    found = order.attachments.get()
    page = client.get(response["Location"]).content.decode()
    link = f"/workbench/hotline/orders/{order.number}/attachments/{found.pk}/"
    assert link in page and "占道.jpg" in page and "附件：占道.jpg" in page
    download = client.get(link)
    assert download.status_code == 200 and download.content == JPEG
    assert download["Content-Type"] == "image/jpeg" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;") and "private" in download["Cache-Control"]


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([upload("照片.jpg", EXE)], "照片.jpg：只接受 PDF、JPG、PNG 文件（按文件内容判断）"),
        ([upload("大图.png", PNG + b"\x00" * MB)], "大图.png：文件过大：不得超过 1 MB"),
        ([upload(f"{n}.jpg", JPEG) for n in range(4)], "最多上传 3 个附件"),
    ],
    ids=["exe-renamed-jpg", "oversized", "too-many"],
)
def test_a_bad_file_on_the_call_screen_comes_back_with_the_error(client, operator, call, media, settings, files, says):
    settings.MATERIAL_MAX_BYTES = MB
    client.force_login(operator)
    response = client.post("/workbench/hotline/", {**call, "attachments": files})
    assert response.status_code == 422
    page = response.content.decode()
    assert says in page and "南洲路菜市场门口有人占道摆卖" in page  # what was typed stays
    _nothing_left(media)


def test_over_the_quota_on_the_call_screen_comes_back_with_the_error(client, operator, call, media, settings):
    settings.UPLOAD_DAILY_FILES = 0
    client.force_login(operator)
    response = client.post("/workbench/hotline/", {**call, "attachments": [upload("占道.jpg", JPEG)]})
    assert response.status_code == 422 and "今日上传已达上限" in response.content.decode()
    _nothing_left(media)


def test_the_public_form_takes_a_photo_and_the_tracking_page_does_not_show_it(client, haizhu, media, monday):
    assert 'enctype="multipart/form-data"' in client.get("/12345/").content.decode()
    response = client.post("/12345/", {**WEB, "region": str(haizhu.pk), "attachments": [upload("井盖缺失.jpg", JPEG)]})
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert order.attachments.get().filename == "井盖缺失.jpg"
    tracked = client.post("/12345/track/", {"number": order.number, "query_code": order.query_code})
    page = tracked.content.decode()
    assert tracked.status_code == 200 and order.number in page
    assert "井盖缺失" not in page and "/attachments/" not in page


def test_the_public_form_refuses_a_program_dressed_as_a_photo(client, haizhu, media, monday):
    response = client.post("/12345/", {**WEB, "region": str(haizhu.pk), "attachments": [upload("photo.jpg", EXE)]})
    assert response.status_code == 422
    assert "photo.jpg：只接受 PDF、JPG、PNG 文件" in response.content.decode()
    _nothing_left(media)


def test_the_liaison_replies_with_a_photo_and_a_bad_one_changes_nothing(client, dispatched, urban_liaison, media):
    services.order_sign(actor=urban_liaison, order=dispatched)
    client.force_login(urban_liaison)
    url = f"/workbench/hotline/orders/{dispatched.number}/"
    assert 'id="a-attachments"' in client.get(url).content.decode()
    refused = client.post(
        url + "reply/", {"reply": "已清理", "outcome": "solved", "attachments": [upload("fix.jpg", EXE)]}
    )
    assert refused.status_code == 422 and "fix.jpg：只接受 PDF、JPG、PNG 文件" in refused.content.decode()
    assert "已清理" in refused.content.decode()
    assert dispatched.assignments.get().status == Assignment.Status.SIGNED and stored_files(media) == []
    response = client.post(
        url + "reply/", {"reply": "已清理", "outcome": "solved", "attachments": [upload("整改后.png", PNG)]}
    )
    assert response.status_code == 302
    found = dispatched.attachments.get()
    assert found.department.kind == "URBAN" and client.get(f"{url}attachments/{found.pk}/").content == PNG


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hz-12345-operator", 200),
        ("hz-urban-liaison", 200),
        ("hz-gov_service-supervisor", 200),
        ("hz-housing-liaison", 404),
        ("hz-grid-worker", 404),
        ("th-samr-reviewer", 404),
    ],
)
def test_a_file_downloads_for_who_sees_the_order_and_is_404_for_others(
    client, take, dispatched, media, persona, status
):
    order = take(description="附件", attachments=[upload("现场.jpg", JPEG)])
    services.order_dispatch(
        actor=User.objects.get(username="hz-12345-operator"),
        order=order,
        lead=dispatched.assignments.get().department,
        handling=WorkOrder.Handling.CHRONIC,
    )
    found = order.attachments.get()
    client.force_login(User.objects.get(username=persona))
    assert client.get(f"/workbench/hotline/orders/{order.number}/attachments/{found.pk}/").status_code == status
    assert client.get(f"/workbench/hotline/orders/{order.number}/attachments/{found.pk + 99}/").status_code == 404


def test_the_order_page_with_files_reads_a_fixed_number_of_queries(
    client, take, operator, media, monday, django_assert_max_num_queries
):
    order = take(attachments=[upload(f"{n}.jpg", JPEG + bytes([n])) for n in range(3)])
    client.force_login(operator)
    with django_assert_max_num_queries(25):
        page = client.get(f"/workbench/hotline/orders/{order.number}/").content.decode()
    assert page.count("/attachments/") == 3

"""巡查上报: a grid worker's report from one of their cells becomes a work order for the centre, located and
celled, with the worker's photos as its files; a place outside their streets, no place, or a bad photo is refused
and nothing is made."""

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry, Upload
from yiwang.core.storage import UploadQuotaExceeded
from yiwang.grid.models import GridCell
from yiwang.hotline import services
from yiwang.hotline.actions import Action
from yiwang.hotline.models import WorkOrder, WorkOrderAttachment

from .conftest import EXE, JPEG, PNG, stored_files, upload

FOUND = "南洲路 12 号旁的垃圾桶满溢，垃圾散落在人行道上，气味很大。"
PAGE_REPORT = {"kind": "help", "category": "CITY-02", "description": FOUND}
MB = 1024 * 1024


@pytest.fixture
def worker(db):
    return User.objects.get(username="hz-grid-worker")


@pytest.fixture
def own_cell(worker):
    return GridCell.objects.filter(workers__user=worker, workers__active=True).order_by("code").first()


@pytest.fixture
def other_street_cell(db):
    """A cell of 江南中街道, outside the 南洲街道 worker's reach."""
    return GridCell.objects.filter(code__startswith="440105002").order_by("code").first()


def _report(worker, cell, **overrides):
    fields = {
        "actor": worker,
        "kind": WorkOrder.Kind.HELP,
        "category": "CITY-02",
        "description": FOUND,
        "longitude": cell.centroid_lon if cell else None,
        "latitude": cell.centroid_lat if cell else None,
    }
    return services.order_report_from_grid(**{**fields, **overrides})


def test_a_report_from_the_workers_cell_reaches_the_centre(worker, own_cell):
    order = _report(worker, own_cell)
    assert (order.channel, order.status, order.grid_cell_code) == ("grid", "received", own_cell.code)
    assert order.region.code == "440105" and order.created_by == worker
    assert [entry.action for entry in order.log.all()] == ["grid_report"]


def test_a_place_outside_the_workers_streets_or_no_place_is_refused(worker, other_street_cell, clerk):
    before = WorkOrder.objects.count()
    with pytest.raises(ValidationFailed) as outside:
        _report(worker, other_street_cell)
    assert "location" in outside.value.fields
    with pytest.raises(ValidationFailed) as nowhere:
        _report(worker, None, category="NOPE")
    assert {"location", "category"} <= set(nowhere.value.fields)
    with pytest.raises(ValidationFailed) as not_a_worker:  # a window clerk walks no grid
        _report(clerk, other_street_cell)
    assert "location" in not_a_worker.value.fields
    assert WorkOrder.objects.count() == before


def test_the_report_page_takes_a_report_by_cell_and_lists_it(client, worker, own_cell, django_assert_max_num_queries):
    client.force_login(worker)
    page = client.get("/workbench/hotline/grid-report/")
    assert page.status_code == 200 and own_cell.code in page.content.decode()
    answer = client.post(
        "/workbench/hotline/grid-report/",
        {"kind": "help", "category": "CITY-02", "description": FOUND, "cell": own_cell.code},
    )
    assert answer.status_code == 302
    order = WorkOrder.objects.get(channel="grid")
    assert order.grid_cell_code == own_cell.code
    with django_assert_max_num_queries(12):
        listed = client.get("/workbench/hotline/grid-report/")
    assert order.number in listed.content.decode()
    refused = client.post(
        "/workbench/hotline/grid-report/", {"kind": "help", "category": "CITY-02", "description": FOUND}
    )
    assert refused.status_code == 422 and "请定位" in refused.content.decode()
    assert WorkOrder.objects.filter(channel="grid").count() == 1


# --- photos of what was found ----------------------------------------------------------------------------------


def _nothing_written(media):
    assert not WorkOrder.objects.exists() and not WorkOrderAttachment.objects.exists()
    assert not Upload.objects.exists() and stored_files(media) == []


def test_a_report_keeps_the_workers_photos_on_its_order(worker, own_cell, media, monday):
    order = _report(worker, own_cell, attachments=[upload("满溢.jpg", JPEG), upload("散落.png", PNG)])
    files = list(order.attachments.order_by("pk"))
    assert [(f.filename, f.content_type, f.source, f.uploaded_by) for f in files] == [
        ("满溢.jpg", "image/jpeg", WorkOrderAttachment.Source.INTAKE, worker),
        ("散落.png", "image/png", WorkOrderAttachment.Source.INTAKE, worker),
    ]
    assert Upload.objects.filter(owner=worker).count() == 2  # the worker's daily quota counts them
    assert order.log.get(action=Action.GRID_REPORT).note == "附件：满溢.jpg、散落.png"
    audit = AuditEntry.objects.get(action="hotline.grid_report", target_id=str(order.pk))
    assert [a["name"] for a in audit.data["attachments"]] == ["满溢.jpg", "散落.png"]


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([upload("满溢.jpg", EXE)], "满溢.jpg：只接受 PDF、JPG、PNG 文件（按文件内容判断）"),
        ([upload("大图.png", PNG + b"\x00" * MB)], "大图.png：文件过大：不得超过 1 MB"),
        ([upload(f"{n}.jpg", JPEG) for n in range(4)], "最多上传 3 个附件"),
    ],
    ids=["exe-renamed-jpg", "oversized", "too-many"],
)
def test_a_bad_photo_refuses_the_report_and_writes_nothing(worker, own_cell, media, settings, monday, files, says):
    settings.MATERIAL_MAX_BYTES = MB
    with pytest.raises(ValidationFailed) as refused:
        _report(worker, own_cell, attachments=[upload("好的.jpg", JPEG), *files] if len(files) == 1 else files)
    assert refused.value.fields == {"attachments": [says]}
    _nothing_written(media)


def test_photos_past_the_workers_daily_quota_refuse_the_report_and_write_nothing(
    worker, own_cell, media, settings, monday
):
    settings.UPLOAD_DAILY_FILES = 1
    with pytest.raises(UploadQuotaExceeded) as refused:
        _report(worker, own_cell, attachments=[upload("1.jpg", JPEG), upload("2.png", PNG)])
    assert "今日上传已达上限" in refused.value.fields["attachments"][0]
    _nothing_written(media)


def test_the_worker_attaches_a_photo_in_the_browser_and_the_centre_downloads_it(
    client, worker, own_cell, media, monday
):
    client.force_login(worker)
    page = client.get("/workbench/hotline/grid-report/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="attachments"' in page
    answer = client.post(
        "/workbench/hotline/grid-report/",
        {**PAGE_REPORT, "cell": own_cell.code, "attachments": [upload("满溢.jpg", JPEG)]},
    )
    assert answer.status_code == 302
    order = WorkOrder.objects.get(channel="grid")
    found = order.attachments.get()
    client.force_login(User.objects.get(username="hz-12345-operator"))
    link = f"/workbench/hotline/orders/{order.number}/attachments/{found.pk}/"
    assert link in client.get(f"/workbench/hotline/orders/{order.number}/").content.decode()
    download = client.get(link)
    assert download.status_code == 200 and download.content == JPEG and download["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([upload("满溢.jpg", EXE)], "满溢.jpg：只接受 PDF、JPG、PNG 文件（按文件内容判断）"),
        ([upload("大图.png", PNG + b"\x00" * MB)], "大图.png：文件过大：不得超过 1 MB"),
        ([upload(f"{n}.jpg", JPEG) for n in range(4)], "最多上传 3 个附件"),
    ],
    ids=["exe-renamed-jpg", "oversized", "too-many"],
)
def test_a_bad_photo_on_the_report_page_comes_back_with_the_error_and_writes_nothing(
    client, worker, own_cell, media, settings, files, says
):
    settings.MATERIAL_MAX_BYTES = MB
    client.force_login(worker)
    response = client.post(
        "/workbench/hotline/grid-report/", {**PAGE_REPORT, "cell": own_cell.code, "attachments": files}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f"<li>{says}</li>" in page and FOUND in page  # what was typed stays
    _nothing_written(media)


def test_over_the_quota_on_the_report_page_comes_back_with_the_error(client, worker, own_cell, media, settings):
    settings.UPLOAD_DAILY_FILES = 0
    client.force_login(worker)
    response = client.post(
        "/workbench/hotline/grid-report/",
        {**PAGE_REPORT, "cell": own_cell.code, "attachments": [upload("满溢.jpg", JPEG)]},
    )
    assert response.status_code == 422 and "今日上传已达上限" in response.content.decode()
    _nothing_written(media)

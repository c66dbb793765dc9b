"""Uploads under issue #10: bodies refused before they are read, a daily quota per person, unattached uploads
swept, and file names made safe when they are stored."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.case_fixtures import PDF
from yiwang.accounts.tokens import token_create
from yiwang.cases.models import CaseMaterial
from yiwang.core.models import Upload
from yiwang.core.permissions import ACTION_ROLES
from yiwang.core.storage import (
    UploadQuotaExceeded,
    clean_filename,
    material_store,
    request_body_limit,
    store_upload,
    upload_limit,
    upload_sweep,
)


class Spy(io.BytesIO):
    """A request body that remembers how much of it was read."""

    read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    readline = None  # a body must be read by size, never scanned for a line


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_create(actor=user, user=user, name='上传测试')[1]}"}


# --- bodies refused before they are read -----------------------------------------------------------------


def test_a_huge_declared_upload_is_refused_with_a_json_413_before_any_of_it_is_read(client, citizen):
    """Issue #10: a 200 MB multipart body was read in full before the 422."""
    body = Spy(b"--x\r\n" * 10)
    answer = client.generic(
        "POST",
        "/api/v1/materials",
        headers=bearer(citizen),
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["error"]["code"] == "payload_too_large"
    assert "MB" in answer.json()["error"]["message"]
    assert body.read_bytes == 0


def test_an_oversized_json_body_answers_413_json_not_500(client, citizen, settings):
    """Issue #10: an oversized JSON body answered 500 (dev) or an HTML 400 (prod)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = client.post(
        "/api/v1/cases",
        {"form": {"x": "字" * 1000}},
        content_type="application/json",
        headers={**bearer(citizen), "Idempotency-Key": "big"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


def test_an_oversized_chunked_body_is_refused_after_reading_one_byte_past_the_limit(client, citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = Spy(b"{" + b" " * 5000 + b"}")
    answer = client.generic(
        "POST",
        "/api/v1/cases",
        headers={**bearer(citizen), "Idempotency-Key": "chunked"},
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body, "wsgi.input_terminated": True},
    )
    assert answer.status_code == 413
    assert body.read_bytes == 1001


def test_a_small_chunked_body_is_read_whole_and_handled(client, citizen):
    body = Spy(b'{"implementation": "nope"}')
    answer = client.generic(
        "POST",
        "/api/v1/cases",
        headers={**bearer(citizen), "Idempotency-Key": "small-chunked"},
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body, "wsgi.input_terminated": True},
    )
    assert answer.status_code == 422  # parsed, and refused for its content, not its size


def test_a_browser_form_too_large_gets_a_chinese_413_page(client, citizen):
    client.force_login(citizen)
    body = Spy(b"")
    answer = client.generic(
        "POST",
        "/apply/R001-440105/",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(request_body_limit(content_type="multipart/form-data", api=False) + 1),
        **{"wsgi.input": body},
    )
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("text/html")
    assert "提交的内容过大" in answer.content.decode()
    assert body.read_bytes == 0


def test_the_limits_follow_the_upload_limit_and_djangos_settings(settings):
    settings.MATERIAL_MAX_BYTES = 5 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 4
    assert upload_limit() == 5 * 1024 * 1024
    assert request_body_limit(content_type="application/json", api=True) == 1024
    assert request_body_limit(content_type="multipart/form-data", api=True) == 5 * 1024 * 1024 + 1024
    assert request_body_limit(content_type="multipart/form-data", api=False) == 4 * 5 * 1024 * 1024 + 1024


def test_an_upload_inside_the_limit_still_goes_through(client, citizen):
    answer = client.post("/api/v1/materials", {"file": SimpleUploadedFile("身份证.pdf", PDF)}, headers=bearer(citizen))
    assert answer.status_code == 201, answer.content


# --- the daily quota ------------------------------------------------------------------------------------


def test_a_person_over_the_daily_file_quota_is_refused_with_a_code(client, citizen, settings):
    """Issue #10: unattached uploads had no quota."""
    settings.UPLOAD_DAILY_FILES = 2
    headers = bearer(citizen)
    for n in range(2):
        answer = client.post(
            "/api/v1/materials", {"file": SimpleUploadedFile("a.pdf", PDF + bytes([n]))}, headers=headers
        )
        assert answer.status_code == 201, answer.content
    refused = client.post("/api/v1/materials", {"file": SimpleUploadedFile("a.pdf", PDF + b"3")}, headers=headers)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "upload_quota_exceeded"
    assert "今日上传已达上限" in refused.json()["error"]["message"]
    assert Upload.objects.filter(owner=citizen).count() == 2


def test_the_byte_quota_counts_the_last_day_only(citizen, settings):
    settings.UPLOAD_DAILY_BYTES = len(PDF) * 2
    store_upload(actor=citizen, data=PDF + b"1", field="file")
    with pytest.raises(UploadQuotaExceeded) as refused:
        store_upload(actor=citizen, data=PDF + b"2", field="file")
    assert refused.value.fields == {"file": [refused.value.message]}
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert store_upload(actor=citizen, data=PDF + b"2", field="file").size == len(PDF) + 1


def test_a_clerks_scans_at_the_window_are_not_metered(clerk, settings):
    settings.UPLOAD_DAILY_FILES = 1
    for n in range(3):
        store_upload(actor=clerk, data=PDF + bytes([n]), field="scan")
    assert Upload.objects.filter(owner=clerk).count() == 3


def test_the_quota_exemption_is_decided_in_core_permissions(clerk, citizen, settings, monkeypatch):
    settings.UPLOAD_DAILY_FILES = 0
    monkeypatch.setitem(ACTION_ROLES, "window_intake", {})
    with pytest.raises(UploadQuotaExceeded):
        store_upload(actor=clerk, data=PDF, field="scan")


# --- the sweep ------------------------------------------------------------------------------------------


def test_the_sweep_forgets_unattached_uploads_and_deletes_their_files(
    django_capture_on_commit_callbacks, citizen, submitted, settings
):
    settings.UPLOAD_UNATTACHED_HOURS = 24
    store = material_store()
    lone = store_upload(actor=citizen, data=PDF + b"lone", field="file")
    shared = store_upload(actor=citizen, data=PDF + b"shared", field="file")
    attached_key = submitted.materials.exclude(file_key="").first().file_key
    attached = store_upload(actor=citizen, data=store.read(attached_key), field="file")
    assert attached.key == attached_key
    with time_machine.travel(timezone.now() + dt.timedelta(hours=20)):
        fresh = store_upload(actor=citizen, data=PDF + b"shared", field="file")  # same bytes, later
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True):
        swept = upload_sweep()
    assert swept == {"uploads": 2, "files": 1}
    assert set(Upload.objects.filter(owner=citizen).values_list("key", flat=True)) == {attached_key, fresh.key}
    with pytest.raises(FileNotFoundError):
        store.read(lone.key)
    assert store.read(shared.key)  # a younger upload of the same bytes still holds the file
    assert store.read(attached_key)
    assert CaseMaterial.objects.filter(file_key=attached_key).exists()


def test_the_sweep_is_a_periodic_task_of_the_worker(db, settings):
    assert "yiwang.core.tasks.upload_sweep" in settings.YIWANG_PERIODIC_TASKS
    from yiwang.core.tasks import upload_sweep as task

    assert task.call() == {"uploads": 0, "files": 0}


# --- file names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/营业执照.pdf", "营业执照.pdf"),
        ("scan.pdf\r\nContent-Type: text/html", "html"),
        ("a\r\nb.pdf", "ab.pdf"),
        ("发票\u202efdp.exe", "发票fdp.exe"),
        ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069x.pdf", "x.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ("e\u0301tat.pdf", "\u00e9tat.pdf"),
        ("..", ""),
        (".hidden.pdf", "hidden.pdf"),
        ("营业执照 副本  (1).pdf", "营业执照 副本 (1).pdf"),
    ],
)
def test_file_names_are_sanitised(raw, kept):
    """Issue #10: names were kept verbatim (`../`, CRLF, U+202E right-to-left override faking an extension)."""
    assert clean_filename(raw) == kept


def test_a_long_name_is_cut_keeping_its_extension():
    name = clean_filename("很" * 300 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_a_browser_upload_is_stored_under_its_sanitised_name(citizen):
    client = Client()
    answer = client.post(
        "/api/v1/materials", {"file": SimpleUploadedFile("../报告\u202efdp.exe", PDF)}, headers=bearer(citizen)
    )
    assert answer.status_code == 201
    assert Upload.objects.get(owner=citizen).name == "报告fdp.exe"

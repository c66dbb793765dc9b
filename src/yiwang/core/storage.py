"""Uploaded materials, stored outside the database behind a small interface (filesystem by default).

The type is judged from the file's content (its magic bytes, via `filetype`), never from its name or the
browser's word for it; files are stored under their SM3 digest, so the same scan uploaded twice is one file.
Each person's upload is also recorded (core.models.Upload): the daily quota counts those records, and the
sweep removes the ones no case material took up, and the file with the last of them.
"""

import datetime as dt
import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import filetype
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .errors import DomainError, NotFound, ValidationFailed
from .permissions import can_do

logger = logging.getLogger("yiwang.storage")

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class UploadQuotaExceeded(DomainError):
    code = "upload_quota_exceeded"
    status = 429
    default_message = gettext_lazy("今日上传的文件已达上限，请明天再试；如确有需要，请到窗口办理")


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int
    name: str = ""


# Longest name kept, in characters: CaseMaterial.filename and Upload.name hold 200.
FILENAME_MAX = 120


def clean_filename(name: str) -> str:
    """A client's file name made safe to store and to show: NFC, no control or format characters, the last
    path part only, no leading dots, at most FILENAME_MAX characters with its extension kept. Chinese and
    other letters stay as they are."""
    # Unicode category C holds the controls (NUL, CR, LF) and the format characters, among them the
    # bidirectional controls U+202A–U+202E and U+2066–U+2069: U+202E shows "报告\u202efdp.exe" as "报告exe.pdf".
    # Category Z (line and paragraph separators too) becomes a plain space.
    name = "".join(
        " " if unicodedata.category(c)[0] == "Z" else c
        for c in unicodedata.normalize("NFC", name or "")
        if unicodedata.category(c)[0] != "C"
    )
    name = " ".join(PureWindowsPath(name).name.split()).lstrip(". ")  # PureWindowsPath splits on / and \\
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and stem and len(ext) < 10 else ""
        name = name[: FILENAME_MAX - len(ext)].rstrip(". ") + ext
    return name


class FilesystemStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root or Path(settings.MEDIA_ROOT) / "materials")

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = hashlib.new("sm3", data).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a crash never leaves a half-written material under its key
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def material_store() -> FilesystemStore:
    """The configured store (settings.MATERIAL_STORE, a dotted path); the filesystem one by default."""
    return import_string(getattr(settings, "MATERIAL_STORE", "yiwang.core.storage.FilesystemStore"))()


def upload_limit() -> int:
    return getattr(settings, "MATERIAL_MAX_BYTES", 10 * 1024 * 1024)


def request_body_limit(*, content_type: str, api: bool) -> int:
    """The most bytes a request body may have, judged before any of it is read (core.middleware.BodyLimit).

    A form without files gets Django's DATA_UPLOAD_MAX_MEMORY_SIZE. A multipart body may carry files: one
    through the API (POST /api/v1/materials takes one), up to DATA_UPLOAD_MAX_NUMBER_FILES in a page's form,
    each at most upload_limit(), plus the form's other fields."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type != "multipart/form-data":
        return fields
    files = 1 if api else settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return upload_limit() * files + fields


def upload_quota() -> tuple[int, int]:
    """(files, bytes) one person may upload per rolling day."""
    return settings.UPLOAD_DAILY_FILES, settings.UPLOAD_DAILY_BYTES


def check_quota(actor, size: int, field: str, count: int = 1) -> None:
    """Refuse `count` more files of `size` bytes in all that would take the actor past their daily quota. A form
    with several files asks once for all of them before storing any."""
    from .models import Upload

    if can_do(actor, "window_intake"):
        return
    files, most = upload_quota()
    used = Upload.objects.filter(owner=actor, created_at__gte=timezone.now() - dt.timedelta(days=1)).aggregate(
        n=Count("pk"), bytes=Sum("size")
    )
    if used["n"] + count > files or (used["bytes"] or 0) + size > most:
        mb = most // (1024 * 1024)
        message = _("今日上传已达上限（每人每天 %(files)d 个文件、共 %(mb)d MB），请明天再试") % {
            "files": files,
            "mb": mb,
        }
        raise UploadQuotaExceeded(message, fields={field: [message]}, files=files, megabytes=mb)


def store_uploaded_file(*, actor, file, field: str) -> StoredFile:
    """An uploaded file object: one byte past the limit is read, enough to refuse it without reading it all."""
    return store_upload(actor=actor, data=file.read(upload_limit() + 1), field=field, name=file.name or "")


def check_upload(*, data: bytes, field: str) -> str:
    """The content type of a file fit to store: not empty, within upload_limit(), a PDF, JPG or PNG by its
    content. Otherwise ValidationFailed naming `field`. Stores nothing, so a form with several files can check
    them all before it stores any."""
    limit = upload_limit()
    if not data:
        raise ValidationFailed(fields={field: [_("文件为空")]})
    if len(data) > limit:
        raise ValidationFailed(fields={field: [_("文件过大：不得超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)}]})
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationFailed(fields={field: [_("只接受 PDF、JPG、PNG 文件（按文件内容判断）")]})
    return kind.mime


def store_upload(*, data: bytes, field: str, actor=None, name: str = "") -> StoredFile:
    """Check and store a file. A person's upload is recorded against their daily quota; the system's own
    (actor None: fixtures, imports) is not."""
    mime = check_upload(data=data, field=field)
    name = clean_filename(name)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return StoredFile(key=material_store().save(data), content_type=mime, size=len(data), name=name)
    from .models import Upload

    with transaction.atomic():
        check_quota(actor, len(data), field)
        found = StoredFile(key=material_store().save(data), content_type=mime, size=len(data), name=name)
        Upload.objects.create(owner=actor, key=found.key, name=name, content_type=found.content_type, size=found.size)
    return found


def unattached_hours() -> float:
    return settings.UPLOAD_UNATTACHED_HOURS


# (model, field) pairs whose rows hold a stored file's key, registered by the apps that keep files (cases:
# CaseMaterial.file_key, in its AppConfig.ready); the sweep deletes no file one of them still names.
FILE_HOLDERS: list[tuple[type, str]] = []


def register_file_holder(model, field: str) -> None:
    FILE_HOLDERS.append((model, field))


@transaction.atomic
def upload_sweep() -> dict[str, int]:
    """Forget uploads no case material took up within unattached_hours(), and delete a file once neither an
    upload record nor a case material holds its key. The files go after the commit, so a rollback keeps them."""
    from .models import Upload

    cutoff = timezone.now() - dt.timedelta(hours=unattached_hours())
    stale = Upload.objects.filter(created_at__lt=cutoff)
    for model, field in FILE_HOLDERS:
        stale = stale.exclude(key__in=model.objects.exclude(**{field: ""}).values(field))
    keys = set(stale.values_list("key", flat=True))
    removed = stale.delete()[0]
    held = set(Upload.objects.filter(key__in=keys).values_list("key", flat=True))
    for model, field in FILE_HOLDERS:
        held |= set(model.objects.filter(**{f"{field}__in": keys}).values_list(field, flat=True))
    orphans = sorted(keys - held)
    if removed:
        audit_record(actor=None, action="upload.sweep", data={"uploads": removed, "files": len(orphans)})

    def delete_files():
        store = material_store()
        for key in orphans:
            store.delete(key)
        logger.info("upload sweep: %d unattached uploads forgotten, %d files deleted", removed, len(orphans))

    transaction.on_commit(delete_files)
    return {"uploads": removed, "files": len(orphans)}


def stored(*, key: str, field: str) -> StoredFile:
    """A file uploaded earlier (e.g. through the API), found by its key and re-checked by content."""
    try:
        data = material_store().read(key)
    except (FileNotFoundError, ValueError):
        raise ValidationFailed(fields={field: [_("找不到该文件，请重新上传")]}) from None
    kind = filetype.guess(data[:8192])
    return StoredFile(key=key, content_type=kind.mime if kind else "application/octet-stream", size=len(data))


def download_response(*, key: str, content_type: str, filename: str) -> HttpResponse:
    """A stored file as a download (never shown inline, never sniffed, never cached by a shared cache): what every
    restricted file view answers once its selector has decided the actor may read it. NotFound when the store has
    lost the file."""
    try:
        data = material_store().read(key)
    except (FileNotFoundError, ValueError):
        raise NotFound() from None
    return private_download(data, content_type=content_type, filename=filename)


def private_download(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """Bytes as a download, never shown inline, never sniffed, never kept by a shared cache: a stored file, or a
    report or notice made for the request (a PDF, a workbook)."""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

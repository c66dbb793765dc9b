"""Uploaded materials, stored outside the database behind a small interface (filesystem by default).

The type is judged from the file's content (its magic bytes, via `filetype`), never from its name or the
browser's word for it; files are stored under their SM3 digest, so the same scan uploaded twice is one file.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import ValidationFailed

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int


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


def material_store() -> FilesystemStore:
    """The configured store (settings.MATERIAL_STORE, a dotted path); the filesystem one by default."""
    return import_string(getattr(settings, "MATERIAL_STORE", "yiwang.core.storage.FilesystemStore"))()


def upload_limit() -> int:
    return getattr(settings, "MATERIAL_MAX_BYTES", 10 * 1024 * 1024)


def store_uploaded_file(*, file, field: str) -> StoredFile:
    """An uploaded file object: one byte past the limit is read, enough to refuse it without reading it all."""
    return store_upload(data=file.read(upload_limit() + 1), field=field)


def store_upload(*, data: bytes, field: str) -> StoredFile:
    limit = upload_limit()
    if not data:
        raise ValidationFailed(fields={field: [_("文件为空")]})
    if len(data) > limit:
        raise ValidationFailed(fields={field: [_("文件过大：不得超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)}]})
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationFailed(fields={field: [_("只接受 PDF、JPG、PNG 文件（按文件内容判断）")]})
    return StoredFile(key=material_store().save(data), content_type=kind.mime, size=len(data))


def stored(*, key: str, field: str) -> StoredFile:
    """A file uploaded earlier (e.g. through the API), found by its key and re-checked by content."""
    try:
        data = material_store().read(key)
    except (FileNotFoundError, ValueError):
        raise ValidationFailed(fields={field: [_("找不到该文件，请重新上传")]}) from None
    kind = filetype.guess(data[:8192])
    return StoredFile(key=key, content_type=kind.mime if kind else "application/octet-stream", size=len(data))

"""附件 on work orders, checked like a case's materials (core.storage): the type from the content, PDF, JPG or
PNG only, the size limit, the cleaned name, the SM3-keyed store and a person's daily quota.

A step that takes files checks them all with its other fields first and stores them only once everything is
right, so a refused form leaves no order, no reply and no file behind.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed
from yiwang.core.storage import check_quota, check_upload, clean_filename, store_upload, upload_limit
from yiwang.org.models import Department

from ..models import WorkOrder, WorkOrderAttachment
from ._common import _now

# "A few files at most" on a form: a photo or two of the problem, of the fix, a written answer.
ATTACHMENTS_MAX = 3
FIELD = "attachments"


@dataclass(frozen=True)
class CheckedFile:
    """A file read and found fit to store, not stored yet."""

    data: bytes
    name: str
    content_type: str


def attachments_check(errors: dict[str, list[str]], files, *, field: str = FIELD, most: int = ATTACHMENTS_MAX):
    """Read and check each uploaded file (anything with .read() and .name); what is wrong goes into `errors`
    under `field`, naming the file. Returns the files fit to store."""
    files = [file for file in files or () if file is not None]
    if len(files) > most:
        errors.setdefault(field, []).append(_("最多上传 %(n)d 个附件") % {"n": most})
        return []
    checked = []
    for file in files:
        # One byte past the limit is read: enough to refuse an oversized file without reading it all.
        data = file.read(upload_limit() + 1)
        name = clean_filename(getattr(file, "name", "") or "")
        try:
            content_type = check_upload(data=data, field=field)
        except ValidationFailed as refused:
            label = name or _("附件")
            errors.setdefault(field, []).extend(f"{label}：{problem}" for problem in refused.fields[field])
        else:
            checked.append(CheckedFile(data=data, name=name or _("附件"), content_type=content_type))
    return checked


def attachments_store(
    order: WorkOrder,
    files: list[CheckedFile],
    *,
    actor,
    source: str,
    department: Department | None = None,
    field: str = FIELD,
) -> list[WorkOrderAttachment]:
    """Store checked files on the order. A person's files count against their daily quota, asked once for all
    of them before any is stored (UploadQuotaExceeded naming `field`); the public form's (actor None) do not."""
    if not files:
        return []
    person = actor if getattr(actor, "is_authenticated", False) else None
    if person is not None:
        check_quota(person, sum(len(f.data) for f in files), field, count=len(files))
    now = _now()
    rows = []
    for file in files:
        found = store_upload(data=file.data, field=field, actor=person, name=file.name)
        rows.append(
            WorkOrderAttachment(
                order=order,
                source=source,
                department=department,
                file_key=found.key,
                filename=found.name or file.name,
                content_type=found.content_type,
                size=found.size,
                uploaded_by=person,
                uploaded_at=now,
            )
        )
    return WorkOrderAttachment.objects.bulk_create(rows)


def described(rows: list[WorkOrderAttachment]) -> tuple[str, list[dict]]:
    """The timeline's line naming the files, and the audit entry's record of them."""
    if not rows:
        return "", []
    line = _("附件：%(names)s") % {"names": "、".join(row.filename for row in rows)}
    return line, [{"name": row.filename, "key": row.file_key, "size": row.size} for row in rows]

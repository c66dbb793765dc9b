"""What an order keeps besides its steps, for staff: its files (附件), and the district's 流程整改 (what each
department changed to end its 整改类 orders). The caller's tracking page shows neither."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from yiwang.core.decorators import staff_required
from yiwang.core.permissions import can_do
from yiwang.core.storage import material_store

from .. import selectors


@staff_required
def attachment(request, number, pk):
    """An order's file, for staff who see the order (hotline_view), a confidential order's departments too;
    the same 404 as a missing order for anyone else. Always a download, never shown inline."""
    found = selectors.attachment_for(request.user, number, pk)
    try:
        data = material_store().read(found.file_key)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = HttpResponse(data, content_type=found.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def process_changes(request):
    """流程整改 by department, newest first within each: the centre and 效能监察 see the district's, a liaison
    their own department's."""
    if not can_do(request.user, "hotline_view"):
        raise Http404
    return render(
        request,
        "hotline/process_changes.html",
        {
            "changes": selectors.process_changes(request.user),
            "operates": can_do(request.user, "hotline_operate"),
            "tabs": selectors.queue_labels(),
        },
    )

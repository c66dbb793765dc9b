"""What an order keeps besides its steps, for staff: its files (附件), and the district's 流程整改 (what each
department changed to end its 整改类 orders). The caller's tracking page shows neither."""

from django.http import Http404
from django.shortcuts import render

from yiwang.core.decorators import staff_required
from yiwang.core.permissions import can_do
from yiwang.core.storage import download_response

from .. import selectors


@staff_required
def attachment(request, number, pk):
    """An order's file, for staff who see the order (hotline_view), a confidential order's departments too;
    the same 404 as a missing order for anyone else. Always a download, never shown inline."""
    found = selectors.attachment_for(request.user, number, pk)
    return download_response(key=found.file_key, content_type=found.content_type, filename=found.filename)


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

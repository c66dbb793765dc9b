"""The staff workbench shell: pages for people who hold a staff role. Reads go through restricted selectors."""

from django.shortcuts import render

from yiwang.catalog.selectors import staff_implementation, staff_implementation_list
from yiwang.core.decorators import staff_required


@staff_required
def implementations(request):
    return render(
        request,
        "workbench/implementations.html",
        {
            "implementations": staff_implementation_list(actor=request.user),
        },
    )


@staff_required
def implementation(request, code):
    return render(
        request,
        "workbench/implementation.html",
        {
            "implementation": staff_implementation(actor=request.user, code=code),
        },
    )

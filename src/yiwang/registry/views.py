"""The data subject's page: who read my data (or my entities' data) through the sharing API, when and why."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors

READS_PER_PAGE = 50


@login_required
def my_access_log(request):
    page = Paginator(selectors.reads_of_my_data(actor=request.user), READS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "registry/access_log.html", {"page": page, "subjects": selectors.subjects_of(request.user)})

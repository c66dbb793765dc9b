"""政务公开 for anyone, signed in or not: 双公示 (licence and penalty decisions), the credit lists and each
department's 权责清单. Each view reads one selector of the owning app and renders; they may read a moment behind
the primary (core.replica), as every public page does."""

from django.core.paginator import Paginator
from django.shortcuts import render

from yiwang.core.replica import replica_view
from yiwang.credit.models import ListKind
from yiwang.credit.selectors import public_records
from yiwang.publicity import selectors as publicity
from yiwang.publicity.models import PUBLISH_BASIS

from .transparency_forms import CreditListSearchForm, PublicationSearchForm

PER_PAGE = 20


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


@replica_view
def index(request):
    return render(request, "portal/transparency/index.html")


@replica_view
def publications(request):
    form = PublicationSearchForm(request.GET or None, departments=list(publicity.publishing_departments()))
    form.is_valid()  # a wrong field is named on the form and left out of the search; the others still apply
    criteria = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    context = {
        "form": form,
        "page": _page(request, publicity.publication_search(publicity.PublicationFilter(**criteria))),
        "basis": PUBLISH_BASIS,
    }
    return render(request, "portal/transparency/publications.html", context)


@replica_view
def publication(request, pk):
    found = publicity.publication_detail(pk)
    return render(request, "portal/transparency/publication.html", {"publication": found, "basis": PUBLISH_BASIS})


@replica_view
def credit_lists(request):
    form = CreditListSearchForm(request.GET or None)
    form.is_valid()
    criteria = getattr(form, "cleaned_data", {})
    rows = public_records(query=criteria.get("q") or "", list_kind=criteria.get("list_kind") or "")
    context = {"form": form, "page": _page(request, rows), "list_kinds": ListKind}
    return render(request, "portal/transparency/credit_lists.html", context)


@replica_view
def powers(request):
    return render(request, "portal/transparency/powers.html", {"groups": publicity.power_departments()})


@replica_view
def power_list(request, code):
    department, groups = publicity.power_list(code=code)
    return render(request, "portal/transparency/power_list.html", {"department": department, "groups": groups})

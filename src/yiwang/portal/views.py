"""The public portal: each view calls catalog/org selectors and renders; no business rules live here.

The catalog pages read from the read replica when one is configured (core.replica): a published guide may
reach a reader a moment after it is published, and these pages carry most of the public traffic."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from yiwang.catalog.forms_schema import schema_form
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.search import SearchAnswer, answer
from yiwang.catalog.search import search as catalog_search
from yiwang.catalog.selectors import (
    bundle_detail,
    bundle_list,
    item_guide,
    item_implementations,
    item_list,
    published_versions,
    topic_detail,
    topic_list,
)
from yiwang.catalog.services import search_miss_record
from yiwang.core.errors import NotFound
from yiwang.core.replica import replica_view
from yiwang.org.selectors import department_detail, department_list, region_list

from .form_pdf import form_pdf

SUGGESTION_LIMIT = 6
RESULT_LIMIT = 30


@replica_view
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "popular_bundles": bundle_list(popular=True),
            "person_topics": topic_list(audience=ServiceItem.Audience.PERSON),
            "enterprise_topics": topic_list(audience=ServiceItem.Audience.ENTERPRISE),
        },
    )


def search(request):
    """Answers; or "not handled here" and where to go; or "did you mean". A query without a sure answer is
    counted (masked) for the catalog's editors."""
    query = request.GET.get("q", "").strip()
    result = answer(query, limit=RESULT_LIMIT) if query else None
    context = {
        "query": query,
        "answer": result,
        "hits": result.hits if result else [],
        "english": get_language().startswith("en") or (result is not None and result.latin),
    }
    if result is not None and result.outcome != SearchAnswer.Outcome.ANSWERED:
        search_miss_record(query=query, outcome=result.outcome)
        if result.referral is None:
            context["popular_bundles"] = bundle_list(popular=True)
    return render(request, "portal/search.html", context)


def suggest(request):
    """The live suggestions under the search box (an htmx fragment)."""
    query = request.GET.get("q", "").strip()
    hits = catalog_search(query, limit=SUGGESTION_LIMIT) if query else []
    english = get_language().startswith("en")
    return render(request, "portal/search.html#suggestions", {"query": query, "hits": hits, "english": english})


@replica_view
def audience(request, audience):
    topics = [(topic, item_list(topic=topic.code)) for topic in topic_list(audience=audience)]
    return render(
        request,
        "portal/audience.html",
        {
            "audience": ServiceItem.Audience(audience),
            "topics": topics,
            "bundles": bundle_list(audience=audience),
        },
    )


@replica_view
def topic(request, code):
    topic, items = topic_detail(code=code)
    return render(request, "portal/topic.html", {"topic": topic, "items": items})


def _home_regions():
    """The home region and the city above it: the two levels whose departments the portal lists."""
    home = region_list().filter(code=settings.YIWANG["HOME_REGION"]).first()
    return [r for r in (home, home.parent if home else None) if r is not None]


@replica_view
def departments(request):
    groups = [
        (
            region,
            [
                (dept, item_list(department_kind=dept.kind, region_code=region.code))
                for dept in department_list(region_code=region.code)
            ],
        )
        for region in _home_regions()
    ]
    return render(request, "portal/departments.html", {"groups": groups})


@replica_view
def department(request, code):
    dept = department_detail(code=code)
    items = item_list(department_kind=dept.kind, region_code=dept.region.code)
    return render(request, "portal/department.html", {"department": dept, "items": items})


@replica_view
def item_detail(request, code, number=None):
    item, version = item_guide(code=code, version_number=number)
    home_code = settings.YIWANG["HOME_REGION"]
    # The home region's implementation first: it is the one a citizen of this portal will go to.
    implementations = sorted(item_implementations(item=item), key=lambda i: i.department.region.code != home_code)
    main = implementations[0] if implementations else None
    return render(
        request,
        "portal/item.html",
        {
            "item": item,
            "version": version,
            "is_current": version.pk == item.current_version_id,
            "versions": published_versions(item=item),
            "materials": version.materials.all(),
            "form": schema_form(version.form_schema) if version.form_schema else None,
            "implementation": main,
            "other_implementations": implementations[1:],
            "promised_days": main.promised_days_for(version) if main else version.promised_days,
            "prerequisites": version.prerequisites.all(),
            "bundles": bundle_list(item=item),
        },
    )


def item_form_pdf(request, code, example=False):
    """The item's blank 申请表, or its filled 样表, as PDF."""
    item, version = item_guide(code=code)
    if not version.form_schema or (example and not version.form_example):
        raise NotFound()
    response = HttpResponse(form_pdf(item=item, version=version, example=example), content_type="application/pdf")
    name = f"{item.code}-form-example.pdf" if example else f"{item.code}-form.pdf"
    response["Content-Disposition"] = f"inline; filename={name}"
    return response


@replica_view
def bundles(request):
    return render(
        request,
        "portal/bundles.html",
        {
            "person_bundles": bundle_list(audience=ServiceItem.Audience.PERSON),
            "enterprise_bundles": bundle_list(audience=ServiceItem.Audience.ENTERPRISE),
        },
    )


@replica_view
def bundle(request, code):
    bundle, items = bundle_detail(code=code)
    return render(request, "portal/bundle.html", {"bundle": bundle, "items": items})

"""Colloquial search over items and bundles (placeholder index; replaced by the full search module)."""

from dataclasses import dataclass

import jieba
from django.db.models import Sum

from .models import SearchEntry, SearchTerm


def _terms(text: str) -> set[str]:
    return {t for t in jieba.cut_for_search(text) if t.strip()}


def _reindex(entry: SearchEntry, text: str) -> None:
    entry.terms.all().delete()
    SearchTerm.objects.bulk_create(SearchTerm(entry=entry, term=t[:40], weight=1.0) for t in _terms(text))


def index_item(item) -> None:
    entry, _ = SearchEntry.objects.update_or_create(item=item, defaults={"kind": "item", "title": item.name})
    _reindex(entry, item.name)


def index_bundle(bundle) -> None:
    entry, _ = SearchEntry.objects.update_or_create(bundle=bundle, defaults={"kind": "bundle", "title": bundle.name})
    _reindex(entry, bundle.name)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item" or "bundle"
    code: str
    title: str
    score: float


def search(query: str, *, limit: int = 10) -> list[SearchHit]:
    terms = _terms(query)
    rows = (
        SearchTerm.objects.filter(term__in=terms)
        .values("entry__kind", "entry__item__code", "entry__bundle__code", "entry__title")
        .annotate(score=Sum("weight"))
        .order_by("-score", "entry__title")[:limit]
    )
    return [
        SearchHit(r["entry__kind"], r["entry__item__code"] or r["entry__bundle__code"], r["entry__title"], r["score"])
        for r in rows
    ]

"""Colloquial search over items and bundles (placeholder index; replaced by the full search module)."""

import jieba

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

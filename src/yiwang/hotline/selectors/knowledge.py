"""Answers for a 咨询: the knowledge base and the catalog's guides."""

from dataclasses import dataclass

from yiwang.catalog.search import search as catalog_search
from yiwang.catalog.search import words

from ..models import FaqEntry


@dataclass(frozen=True)
class Guide:
    code: str
    title: str


def knowledge_search(query: str, *, limit: int = 5) -> tuple[list[FaqEntry], list[Guide]]:
    """Answers for a 咨询: knowledge-base entries whose words meet the question's (the catalog's colloquial
    tokenizer, so "停水了咋办" meets "停水"), and the catalog items whose guides the search finds."""
    asked = set(words(query))
    if not asked:
        return [], []
    scored = []
    for entry in FaqEntry.objects.filter(active=True).select_related("category"):
        known = set(words(f"{entry.question} {entry.keywords}"))
        overlap = len(asked & known)
        if overlap:
            scored.append((-overlap, entry.pk, entry))
    faq = [entry for *_rank, entry in sorted(scored)[:limit]]
    guides = [Guide(hit.code, hit.title) for hit in catalog_search(query, limit=limit) if hit.kind == "item"]
    return faq, guides

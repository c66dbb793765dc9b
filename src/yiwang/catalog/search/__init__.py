"""Colloquial search over published items, bundles (一件事) and referrals elsewhere, ranked together in one list.

text: one normal form for every script (traditional, full-width, tones), words, pinyin, English stems.
index: each item, bundle and referral is one SearchEntry whose SearchTerms carry weights by the field they came
from; the terms live in the database, so every web and worker process shares one index and PostgreSQL and
SQLite rank alike.
query: the query's terms, one scoring statement, and how sure the answer is (SearchAnswer).
"""

from .index import index_bundle, index_item, index_referral, reindex_all
from .query import SearchAnswer, SearchHit, answer, search, warm_up
from .text import words

__all__ = [
    "SearchAnswer",
    "SearchHit",
    "answer",
    "index_bundle",
    "index_item",
    "index_referral",
    "reindex_all",
    "search",
    "warm_up",
    "words",
]

"""Colloquial Chinese search over published items and bundles (一件事), ranked together in one list.

Index: every published item and every bundle is one SearchEntry; its SearchTerms are words with a weight
saying where the word came from (name > keywords > materials, department, a bundle's item names). Words
come from jieba; pinyin initials of names and keywords are indexed as `py:` terms so "sfz" finds 身份证.

Query: the words of the query (jieba, plus runs of whole words, so a keyword is found however jieba splits
a sentence), colloquial filler dropped, expanded through the Synonym table, are scored in one GROUP BY over
the (term, entry) index: the sum of term weight × query weight × idf, over the entries that carry at least
one selective word. Bundles are boosted when the query asks what an undertaking takes. The terms live in
the database, so every web and worker process shares one index and PostgreSQL and SQLite rank alike.
"""

import logging
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jieba
import yaml
from django.db import connection
from pypinyin import Style, lazy_pinyin

from yiwang.org.models import Department

from .models import Bundle, SearchEntry, SearchTerm, ServiceItem, Synonym

jieba.setLogLevel(logging.WARNING)

NAME_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.5
CONTEXT_WEIGHT = 0.6  # materials, the department, a bundle's item names: true but weak evidence
PINYIN_PREFIX = "py:"
TERM_MAX = 40  # SearchTerm.term's column width
SYNONYM_WEIGHT = 0.8  # a synonym's expansion, against 1.0 for the words the citizen typed
NGRAM_MAX = 6  # query character runs up to this long meet whole keywords ("身份证到期") jieba would split
QUERY_MAX_CHARS = 64  # nobody types a longer question; a pasted page is cut, not refused
CANDIDATES = 60  # entries ranked in SQL before the bundle boost reorders them in Python
# A word in more than this share of entries (and more than COMMON_MIN) does not nominate candidates.
COMMON_SHARE = 0.02
COMMON_MIN = 50
# A query that asks what it takes to do something ("开饭店要办哪些证") wants the whole 一件事 first.
EVENT_CUES = ("一件事", "哪些", "什么", "啥", "全部", "所有", "都要", "流程", "需要办", "要办")
EVENT_BUNDLE_BOOST = 1.6
BUNDLE_BOOST = 1.15
SYNONYM_TTL = 60.0  # seconds; bounds how long a same-length edit made in another process goes unseen

# Filler in how people ask, never a reason to rank one entry above another.
STOPWORDS = frozenset(
    {
        "我",
        "我们",
        "你",
        "您",
        "他",
        "她",
        "要",
        "想",
        "想要",
        "需要",
        "要办",
        "办",
        "办理",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "哪些",
        "哪里",
        "哪儿",
        "什么",
        "啥",
        "了",
        "的",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "个",
        "一个",
        "一下",
        "些",
        "在",
        "去",
        "到",
        "给",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "需",
        "有",
        "没有",
        "是",
        "不是",
        "和",
        "与",
        "及",
        "都",
        "还",
        "就",
        "请问",
        "自己",
        "家",
        "这个",
        "那个",
        "应该",
        "一般",
        "现在",
        "已经",
        "时候",
        "多少",
        "多久",
        "手续",
        "流程",
        "相关",
        "问题",
        "咨询",
        "申请",
        "一件",
        "事情",
    }
)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z]{2,12}")
_SPLIT = re.compile(r"[\s,，、;；/|]+")
_BRACKETED = re.compile(r"\([^)]*\)")  # "(新办)" qualifies a name; its initials would not be typed


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item" or "bundle"
    code: str
    title: str
    score: float


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and brackets ("ＳＦＺ", "（") into the forms the index holds.
    return unicodedata.normalize("NFKC", text or "").lower().strip()


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the project's own vocabulary added, so "网咖" and "电竞" are words, not 开电 | 竞网 | 咖.

    The vocabulary comes from the shipped data files, not from the Synonym table, so that every process
    segments alike and terms indexed by one are found by another.
    """
    tokenizer = jieba.Tokenizer()
    data = resources.files("yiwang.catalog").joinpath("data")
    synonyms = yaml.safe_load(data.joinpath("synonyms.yaml").read_text("utf-8")) or {}
    keywords = yaml.safe_load(data.joinpath("item_keywords.yaml").read_text("utf-8")) or {}
    vocabulary = {*synonyms, *(w for ws in synonyms.values() for w in ws), *(w for ws in keywords.values() for w in ws)}
    for word in vocabulary:
        word = _normalize(str(word))
        if len(word) >= 2 and _CJK_RUN.fullmatch(word):
            tokenizer.add_word(word)
    return tokenizer


@lru_cache(maxsize=50000)
def words(text: str) -> tuple[str, ...]:
    """Index-grade words: jieba's search segmentation without single characters, filler or punctuation. Shared
    with what compares texts by their words (the hotline's repeat detection, its knowledge base)."""
    words = []
    for token in _tokenizer().cut_for_search(_normalize(text)):
        token = token.strip()
        if len(token) >= 2 and token not in STOPWORDS and (_CJK_RUN.search(token) or token.isalnum()):
            words.append(token[:TERM_MAX])
    return tuple(words)


@lru_cache(maxsize=20000)
def _initials(text: str) -> str:
    """Pinyin initials of the Chinese characters in `text` ("居民身份证" → "jmsfz"); "" if there are none."""
    chinese = "".join(_CJK_RUN.findall(text))
    if len(chinese) < 2:
        return ""
    return PINYIN_PREFIX + "".join(lazy_pinyin(chinese, style=Style.FIRST_LETTER))[: TERM_MAX - len(PINYIN_PREFIX)]


def _split_keywords(keywords: str) -> list[str]:
    return [k for k in _SPLIT.split(_normalize(keywords)) if k]


class _Field(dict):
    """One field's terms, each at the field's weight."""

    def __init__(self, weight: float) -> None:
        super().__init__()
        self.weight = weight

    def add(self, term: str) -> None:
        if term:
            self[term] = self.weight

    def add_text(self, text: str, *, pinyin: bool = False) -> "_Field":
        found = words(text)
        for word in found:
            self.add(word)
        if pinyin:
            self.add(_initials(_BRACKETED.sub("", _normalize(text))))
            for word in found:
                self.add(_initials(word))
        return self

    def add_keywords(self, keywords: str) -> "_Field":
        for keyword in _split_keywords(keywords):
            if len(keyword) >= 2:
                self.add(keyword[:TERM_MAX])
            self.add_text(keyword, pinyin=True)
        return self


def _combine(*fields: _Field) -> dict[str, float]:
    """Sum a word's weight over the fields it is in: one in the name and the keywords outranks one only
    in the name, which is how a reference item beats a generated namesake that has no keywords."""
    terms: dict[str, float] = {}
    for field in fields:
        for term, weight in field.items():
            terms[term] = terms.get(term, 0.0) + weight
    return terms


def item_terms(*, name: str, keywords: str, materials: list[str], department: str) -> dict[str, float]:
    context = " ".join([*materials, department])
    return _combine(
        _Field(NAME_WEIGHT).add_text(name, pinyin=True),
        _Field(KEYWORD_WEIGHT).add_keywords(keywords),
        _Field(CONTEXT_WEIGHT).add_text(context),
    )


def bundle_terms(*, name: str, keywords: str, item_names: list[str]) -> dict[str, float]:
    return _combine(
        _Field(NAME_WEIGHT).add_text(name, pinyin=True),
        _Field(KEYWORD_WEIGHT).add_keywords(keywords),
        _Field(CONTEXT_WEIGHT).add_text(" ".join(item_names)),
    )


def _store(entry: SearchEntry, terms: dict[str, float]) -> None:
    SearchTerm.objects.filter(entry=entry).delete()
    SearchTerm.objects.bulk_create(SearchTerm(entry=entry, term=t, weight=w) for t, w in terms.items())


def index_item(item) -> None:
    """Rebuild an item's entry from its current published version; an item without one is not searchable."""
    version = item.current_version
    if version is None:
        SearchEntry.objects.filter(item=item).delete()
        return
    entry, _ = SearchEntry.objects.update_or_create(
        item=item, defaults={"kind": SearchEntry.Kind.ITEM, "title": item.name, "boost": 1.0}
    )
    materials = list(version.materials.values_list("name", flat=True))
    department = Department.objects.filter(kind=item.department_kind).values_list("name", flat=True).first()
    _store(
        entry, item_terms(name=item.name, keywords=version.keywords, materials=materials, department=department or "")
    )


def index_bundle(bundle) -> None:
    entry, _ = SearchEntry.objects.update_or_create(
        bundle=bundle, defaults={"kind": SearchEntry.Kind.BUNDLE, "title": bundle.name, "boost": BUNDLE_BOOST}
    )
    item_names = list(bundle.entries.values_list("item__name", flat=True))
    _store(entry, bundle_terms(name=bundle.name, keywords=bundle.keywords, item_names=item_names))


def reindex_all() -> int:
    """Rebuild every entry (after a change to the weights or the segmentation); returns how many."""
    for item in ServiceItem.objects.exclude(current_version=None).select_related("current_version"):
        index_item(item)
    for bundle in Bundle.objects.all():
        index_bundle(bundle)
    return SearchEntry.objects.count()


class _Synonyms:
    """The Synonym table as query terms, read again whenever its marker (row count, top id, total text
    length) moves. The marker is fetched with the entry count the idf needs, in the query's first statement.

    Adding or deleting a synonym, or an edit that changes its length, shows at the very next query in
    every process; any other edit shows within SYNONYM_TTL seconds.
    """

    def __init__(self) -> None:
        self.marker: tuple | None = None
        self.loaded_at = 0.0
        self.table: dict[str, dict[str, float]] = {}

    def current(self, marker: tuple) -> dict[str, dict[str, float]]:
        now = time.monotonic()
        if marker != self.marker or now - self.loaded_at > SYNONYM_TTL:
            table = {}
            for term, expansions in Synonym.objects.values_list("term", "expansions"):
                terms: dict[str, float] = {}
                for expansion in _split_keywords(expansions):
                    # The whole expansion is the catalog's own wording. Its parts share a smaller weight,
                    # or "有限责任公司" would count three times (有限, 责任, 有限责任) against a word typed once.
                    parts = words(expansion)
                    for word in parts:
                        terms.setdefault(word, SYNONYM_WEIGHT / len(parts))
                    terms[expansion[:TERM_MAX]] = SYNONYM_WEIGHT
                if _normalize(term):
                    table[_normalize(term)] = terms
            # Swapped in whole, so a thread searching meanwhile never sees a half-built table.
            self.table, self.marker, self.loaded_at = table, marker, now
        return self.table


_synonyms = _Synonyms()


def _occurs(term: str, query: str, bounds: set[int], spans: list[tuple[int, int]]) -> bool:
    """Whether `term` is in the query as whole words or inside one word, not straddling a word edge:
    "开工" (→ 施工许可) is in "开工了" but not in "开工厂" (开 | 工厂)."""
    start = query.find(term)
    while start >= 0:
        end = start + len(term)
        if (start in bounds and end in bounds) or any(a <= start and end <= b for a, b in spans):
            return True
        start = query.find(term, start + 1)
    return False


def _query_terms(query: str, synonyms: dict[str, dict[str, float]]) -> dict[str, float]:
    """term → query weight: the query's words and word runs, pinyin initials, synonym expansions."""
    weights: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        if term not in STOPWORDS and weight > weights.get(term, 0.0):
            weights[term] = weight

    spans = [(start, end) for _, start, end in _tokenizer().tokenize(query)]
    bounds = {edge for span in spans for edge in span}
    for word in words(query):
        add(word, 1.0)
    # Runs of whole words meet keywords jieba splits ("身份证到期" in "身份证到期了").
    for run in _CJK_RUN.finditer(query):
        edges = sorted(edge for edge in bounds if run.start() <= edge <= run.end())
        for i, start in enumerate(edges):
            for end in edges[i + 1 :]:
                if end - start > NGRAM_MAX:
                    break
                if end - start >= 2:
                    add(query[start:end], 1.0)
    for letters in _ASCII_WORD.findall(query):
        add(PINYIN_PREFIX + letters, 1.0)
    for term, expansions in synonyms.items():
        if _occurs(term, query, bounds, spans):
            for expansion, weight in expansions.items():
                add(expansion, weight)
    return weights


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {"entry": SearchEntry, "term": SearchTerm, "synonym": Synonym, "item": ServiceItem, "bundle": Bundle}
    return {key: quote(model._meta.db_table) for key, model in models.items()}


def search(query: str, *, limit: int = 10) -> list[SearchHit]:
    query = _normalize(query)[:QUERY_MAX_CHARS]
    if not query or limit <= 0:
        return []
    # Hand-written SQL: three short statements, the same on SQLite and PostgreSQL, where the ORM spent
    # more time compiling a CASE of a dozen terms than the database spent answering it.
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {t['entry']}), COUNT(*), MAX(id), "
            f"SUM(LENGTH(term) + LENGTH(expansions)) FROM {t['synonym']}"
        )
        total, *marker = cursor.fetchone()
        weights = _query_terms(query, _synonyms.current(tuple(marker)))
        if not weights:
            return []
        terms = list(weights)
        cursor.execute(
            f"SELECT term, COUNT(*) FROM {t['term']} WHERE term IN ({_marks(terms)}) GROUP BY term",
            terms,
        )
        frequency = dict(cursor.fetchall())
        if not frequency:
            return []
        # idf: a word thousands of licences share ("许可") says less than one a few entries carry ("网吧").
        factor = {term: weights[term] * math.log(1 + total / n) for term, n in frequency.items()}
        # Candidates come from the selective words only, so a common word adds to the score of entries
        # already found instead of making the database sum thousands of rows for a ranking it cannot win.
        selective = [term for term, n in frequency.items() if n <= max(COMMON_MIN, total * COMMON_SHARE)]
        candidates = (
            f"AND entry_id IN (SELECT entry_id FROM {t['term']} WHERE term IN ({_marks(selective)}))"
            if selective
            else ""
        )
        cursor.execute(
            f"SELECT s.entry_id, s.score, e.kind, e.title, e.boost, i.code, b.code "
            f"FROM (SELECT entry_id, SUM(weight * CASE term {' '.join(['WHEN %s THEN %s'] * len(factor))} END) "
            f"      AS score FROM {t['term']} WHERE term IN ({_marks(factor)}) {candidates} "
            f"      GROUP BY entry_id ORDER BY score DESC, entry_id LIMIT %s) s "
            f"JOIN {t['entry']} e ON e.id = s.entry_id "
            f"LEFT JOIN {t['item']} i ON i.id = e.item_id LEFT JOIN {t['bundle']} b ON b.id = e.bundle_id",
            [*(x for pair in factor.items() for x in pair), *factor, *selective, CANDIDATES],
        )
        rows = cursor.fetchall()
    event = any(cue in query for cue in EVENT_CUES)
    hits = []
    for _, score, kind, title, boost, item_code, bundle_code in rows:
        is_bundle = kind == SearchEntry.Kind.BUNDLE
        boost *= EVENT_BUNDLE_BOOST if is_bundle and event else 1.0
        hits.append(SearchHit(kind, bundle_code if is_bundle else item_code, title, round(score * boost, 4)))
    hits.sort(key=lambda h: (-h.score, h.kind, h.code))
    return hits[:limit]


def warm_up() -> None:
    """Load jieba's dictionary now, so that the first citizen's search does not wait 1.5 s for it."""
    _tokenizer().initialize()

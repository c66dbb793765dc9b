"""The index: every published item, every bundle and every referral elsewhere is one SearchEntry; its SearchTerms
are words with a weight saying where the word came from (name > keywords > materials, result, department, a
bundle's item names > conditions). Chinese words come from jieba; their pinyin (whole and initials) as `py:` terms;
the English translation's stems as `en:` terms."""

from django.db import transaction

from yiwang.org.models import Department

from ..models import Bundle, Referral, SearchEntry, SearchTerm, ServiceItem
from .text import BRACKETED, TERM_MAX, english_terms, normalize, pinyin_terms, split_keywords, words

NAME_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.5
CONTEXT_WEIGHT = 0.6  # materials, the result, the department, a bundle's item names: true but weak evidence
CONDITION_WEIGHT = 0.3  # the conditions of acceptance: mostly the same law-speak for every item of a kind
BUNDLE_BOOST = 1.15


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
            for term in pinyin_terms(BRACKETED.sub("", normalize(text))):
                self.add(term)
            for word in found:
                for term in pinyin_terms(word):
                    self.add(term)
        return self

    def add_keywords(self, keywords: str) -> "_Field":
        for keyword in split_keywords(keywords):
            if len(keyword) >= 2:
                self.add(keyword[:TERM_MAX])
            self.add_text(keyword, pinyin=True)
        return self

    def add_english(self, text: str) -> "_Field":
        for term in english_terms(text):
            self.add(term)
        return self


def _combine(*fields: _Field) -> dict[str, float]:
    """Sum a word's weight over the fields it is in: one in the name and the keywords outranks one only
    in the name, which is how a reference item beats a generated namesake that has no keywords."""
    terms: dict[str, float] = {}
    for field in fields:
        for term, weight in field.items():
            terms[term] = terms.get(term, 0.0) + weight
    return terms


def item_terms(
    *,
    name: str,
    keywords: str,
    materials: list[str],
    department: str,
    result: str = "",
    conditions: str = "",
    name_en: str = "",
    keywords_en: str = "",
) -> dict[str, float]:
    return _combine(
        _Field(NAME_WEIGHT).add_text(name, pinyin=True).add_english(name_en),
        _Field(KEYWORD_WEIGHT).add_keywords(keywords).add_english(keywords_en),
        _Field(CONTEXT_WEIGHT).add_text(" ".join([*materials, result, department])),
        _Field(CONDITION_WEIGHT).add_text(conditions),
    )


def bundle_terms(
    *, name: str, keywords: str, item_names: list[str], name_en: str = "", keywords_en: str = ""
) -> dict[str, float]:
    return _combine(
        _Field(NAME_WEIGHT).add_text(name, pinyin=True).add_english(name_en),
        _Field(KEYWORD_WEIGHT).add_keywords(keywords).add_english(keywords_en),
        _Field(CONTEXT_WEIGHT).add_text(" ".join(item_names)),
    )


def referral_terms(*, need: str, keywords: str, need_en: str = "") -> dict[str, float]:
    # The keywords mix Chinese and English ("护照 passport"): both kinds of term come from the one field.
    return _combine(
        _Field(NAME_WEIGHT).add_text(need, pinyin=True).add_english(need_en),
        _Field(KEYWORD_WEIGHT).add_keywords(keywords).add_english(keywords),
    )


def _store(entry: SearchEntry, terms: dict[str, float]) -> None:
    SearchTerm.objects.filter(entry=entry).delete()
    SearchTerm.objects.bulk_create(SearchTerm(entry=entry, term=t, weight=w) for t, w in terms.items())


def index_item(item: ServiceItem) -> None:
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
    terms = item_terms(
        name=item.name,
        keywords=version.keywords,
        materials=materials,
        department=department or "",
        result=version.result_description,
        conditions=version.conditions,
        name_en=item.name_en,
        keywords_en=item.keywords_en,
    )
    _store(entry, terms)


def index_bundle(bundle: Bundle) -> None:
    entry, _ = SearchEntry.objects.update_or_create(
        bundle=bundle, defaults={"kind": SearchEntry.Kind.BUNDLE, "title": bundle.name, "boost": BUNDLE_BOOST}
    )
    item_names = list(bundle.entries.values_list("item__name", flat=True))
    terms = bundle_terms(
        name=bundle.name,
        keywords=bundle.keywords,
        item_names=item_names,
        name_en=bundle.name_en,
        keywords_en=bundle.keywords_en,
    )
    _store(entry, terms)


def index_referral(referral: Referral) -> None:
    entry, _ = SearchEntry.objects.update_or_create(
        referral=referral, defaults={"kind": SearchEntry.Kind.REFERRAL, "title": referral.need, "boost": 1.0}
    )
    _store(entry, referral_terms(need=referral.need, keywords=referral.keywords, need_en=referral.need_en))


@transaction.atomic
def reindex_all() -> int:
    """Rebuild every entry (after a change to the weights or the segmentation); returns how many."""
    for item in ServiceItem.objects.exclude(current_version=None).select_related("current_version"):
        index_item(item)
    for bundle in Bundle.objects.all():
        index_bundle(bundle)
    for referral in Referral.objects.all():
        index_referral(referral)
    return SearchEntry.objects.count()

"""Answering a query: one scoring statement over the index (the query's terms come from `terms`), and how sure
the answer is.

Sureness: the share of the query's information that an entry explains. Each character the index knows weighs the
idf of the rarest term covering it; one it does not know weighs a quarter of the rarest word (it may be the filler
of a rambling sentence or the very thing the catalog does not offer); a question counts up to INFORMATION_CAP of
the rarest characters. Below ANSWER_MIN the results are not shown as answers but offered as "did you mean"; a
referral elsewhere that explains the query clearly better answers "not handled here" (docs/search.md).
"""

import math
from dataclasses import dataclass, field, replace

from django.db import connection

from ..models import Bundle, Referral, SearchEntry, SearchMiss, SearchTerm, ServiceItem, Synonym
from .index import KEYWORD_WEIGHT
from .terms import EDIT_WEIGHT, EDIT_WORD_MAX, EDIT_WORD_MIN, SYNONYM_WEIGHT, query_terms, synonym_table, vocabulary
from .text import CJK_RUN, LATIN_WORD, QUERY_MAX_CHARS, detone, normalize, tokenizer, words

CANDIDATES = 60  # entries ranked in SQL before the bundle boost reorders them in Python
# A word in more than this share of entries (and more than COMMON_MIN) does not nominate candidates.
COMMON_SHARE = 0.02
COMMON_MIN = 50
# A query that asks what it takes to do something ("开饭店要办哪些证") wants the whole 一件事 first.
EVENT_CUES = (
    "一件事",
    "哪些",
    "什么",
    "啥",
    "全部",
    "所有",
    "都要",
    "流程",
    "需要办",
    "要办",
    "咩",
    "乜",
    "what do",
    "what does",
    "what permits",
    "which permits",
    "requirements",
    "steps",
)
EVENT_BUNDLE_BOOST = 1.6
ANSWER_MIN = 0.4  # sureness below which results are offered as "did you mean", not answers
REFERRAL_MIN = 0.5  # sureness a referral elsewhere needs to answer "not handled here"
INFORMATION_CAP = 4  # a query's information is counted up to this many of the rarest characters
UNKNOWN_SHARE = 0.25  # what a character the index does not know weighs, against the rarest word it knows
SUGGESTIONS = 3
SURENESS_RANKS = 10  # how many of the best entries get their sureness measured; only they can be answers
RANK_SURENESS_FLOOR = 0.5  # answers are ordered by score × (this + sureness)
TAIL_MIN = 0.25  # an answer below the first must explain at least this much of the query
REFERRAL_MARGIN = 0.1  # how much more a referral elsewhere must explain than the best answer here


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item", "bundle" or "referral"
    code: str
    title: str
    score: float
    title_en: str = ""
    sureness: float = 0.0


@dataclass
class SearchAnswer:
    """What the portal shows: answers, or a referral elsewhere, or suggestions; and what to log as a miss."""

    class Outcome:
        """The three that are not answers are the ones counted as misses: one list, SearchMiss.Outcome's."""

        ANSWERED = "answered"
        REFERRAL = SearchMiss.Outcome.REFERRAL.value
        WEAK = SearchMiss.Outcome.WEAK.value
        NONE = SearchMiss.Outcome.NONE.value

    query: str
    hits: list[SearchHit] = field(default_factory=list)
    referral: Referral | None = None
    suggestions: list[SearchHit] = field(default_factory=list)
    see_also: Referral | None = None  # beside answers: a related need that is handled elsewhere

    @property
    def latin(self) -> bool:
        """Typed in Latin letters only: a foreign resident, most likely, who reads the English names."""
        return bool(LATIN_WORD.search(self.query)) and not CJK_RUN.search(self.query)

    @property
    def outcome(self) -> str:
        if self.hits:
            return self.Outcome.ANSWERED
        if self.referral is not None:
            return self.Outcome.REFERRAL
        return self.Outcome.WEAK if self.suggestions else self.Outcome.NONE


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "entry": SearchEntry,
        "term": SearchTerm,
        "synonym": Synonym,
        "item": ServiceItem,
        "bundle": Bundle,
        "referral": Referral,
    }
    return {key: quote(model._meta.db_table) for key, model in models.items()}


@dataclass
class _Ranked:
    entry_id: int
    hit: SearchHit
    referral_id: int | None


def _rank(query: str, *, kinds: tuple[str, ...], measure: bool = True) -> tuple[list[_Ranked], dict[int, float]]:
    """The best entries of the given kinds, best first, each with its sureness (for the first SURENESS_RANKS; none
    when not `measure`d: staff pickers rank, they do not answer)."""
    # Hand-written SQL: short statements, the same on SQLite and PostgreSQL, where the ORM spent more time
    # compiling a CASE of a dozen terms than the database spent answering it.
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {t['entry']}), COUNT(*), MAX(id), "
            f"SUM(LENGTH(term) + LENGTH(expansions)) FROM {t['synonym']}"
        )
        total, *marker = cursor.fetchone()
        terms, content = query_terms(query, synonym_table.current(tuple(marker)))
        if not terms.weight:
            return [], {}
        cursor.execute(
            f"SELECT term, COUNT(*) FROM {t['term']} WHERE term IN ({_marks(terms.weight)}) GROUP BY term",
            list(terms.weight),
        )
        frequency = dict(cursor.fetchall())
        # Words of three or more characters the index does not know meet those one edit away, more weakly.
        unknown = [
            w
            for w in words(query)
            if EDIT_WORD_MIN <= len(w) <= EDIT_WORD_MAX and w not in frequency and CJK_RUN.fullmatch(w)
        ]
        if unknown:
            by_length = vocabulary.current(cursor, t["term"], total)
            extra = set()
            for word in unknown:
                start = query.find(word)
                for near in vocabulary.near(word, by_length):
                    extra.add(near)
                    terms.add(near, EDIT_WEIGHT, start, start + len(word))
            if extra := sorted(extra - frequency.keys()):
                cursor.execute(
                    f"SELECT term, COUNT(*) FROM {t['term']} WHERE term IN ({_marks(extra)}) GROUP BY term", extra
                )
                frequency.update(cursor.fetchall())
        # A reading by sound of characters the index knows as they are is the same evidence counted twice.
        for term, sources in terms.sound_of.items():
            if term in frequency and sources and any(source in frequency for source in sources):
                del frequency[term]
        if not frequency:
            return [], {}
        # idf: a word thousands of licences share ("许可") says less than one a few entries carry ("网吧").
        idf = {term: math.log(1 + total / n) for term, n in frequency.items()}
        factor = {term: terms.weight[term] * idf[term] for term in frequency}
        # Candidates come from the selective words only, so a common word adds to the score of entries
        # already found instead of making the database sum thousands of rows for a ranking it cannot win.
        selective = [term for term, n in frequency.items() if n <= max(COMMON_MIN, total * COMMON_SHARE)]
        candidates = (
            f"AND entry_id IN (SELECT entry_id FROM {t['term']} WHERE term IN ({_marks(selective)}))"
            if selective
            else ""
        )
        cursor.execute(
            f"SELECT s.entry_id, s.score, e.kind, e.title, e.boost, i.code, b.code, r.code, "
            f"       COALESCE(i.name_en, b.name_en, r.need_en), e.referral_id "
            f"FROM (SELECT entry_id, SUM(weight * CASE term {' '.join(['WHEN %s THEN %s'] * len(factor))} END) "
            f"      AS score FROM {t['term']} WHERE term IN ({_marks(factor)}) {candidates} "
            f"      GROUP BY entry_id ORDER BY score DESC, entry_id LIMIT %s) s "
            f"JOIN {t['entry']} e ON e.id = s.entry_id "
            f"LEFT JOIN {t['item']} i ON i.id = e.item_id LEFT JOIN {t['bundle']} b ON b.id = e.bundle_id "
            f"LEFT JOIN {t['referral']} r ON r.id = e.referral_id "
            f"WHERE e.kind IN ({_marks(kinds)})",
            [*(x for pair in factor.items() for x in pair), *factor, *selective, CANDIDATES, *kinds],
        )
        rows = cursor.fetchall()
        event = any(cue in query for cue in EVENT_CUES)
        ranked = []
        for entry_id, score, kind, title, boost, item_code, bundle_code, referral_code, title_en, referral_id in rows:
            if kind == SearchEntry.Kind.BUNDLE and event:
                boost *= EVENT_BUNDLE_BOOST
            code = {"item": item_code, "bundle": bundle_code}.get(kind, referral_code)
            hit = SearchHit(kind, code, title, round(score * boost, 4), title_en or "")
            ranked.append(_Ranked(entry_id, hit, referral_id))
        ranked.sort(key=lambda r: (-r.hit.score, r.hit.kind, r.hit.code))
        best = [r.entry_id for r in ranked[:SURENESS_RANKS]] if measure else []
        matched: dict[int, dict[str, float]] = {}
        if best:
            cursor.execute(
                f"SELECT entry_id, term, weight FROM {t['term']} "
                f"WHERE entry_id IN ({_marks(best)}) AND term IN ({_marks(frequency)})",
                [*best, *frequency],
            )
            for entry_id, term, weight in cursor.fetchall():
                matched.setdefault(entry_id, {})[term] = weight
    # Each character the index knows weighs the idf of the rarest term covering it; one it does not know weighs a
    # share of the rarest possible: the filler of a rambling sentence, or the very thing nobody here handles.
    known: dict[int, float] = {}
    for term in frequency:
        for position in terms.span[term] & content:
            known[position] = max(known.get(position, 0.0), idf[term])
    rarest = math.log(1 + total)
    whole = sum({**dict.fromkeys(content, UNKNOWN_SHARE * rarest), **known}.values())
    # A long question is judged on its best part: nobody buries two needs in one rambling sentence.
    whole = min(whole, INFORMATION_CAP * rarest)
    sureness = {}
    for entry_id, found in matched.items():
        # A character explained by a name or a keyword is explained; by a material or the department, a little; by
        # a guess (its sound, a word one edit away), not wholly.
        strength: dict[int, float] = {}
        for term, weight in found.items():
            for position in terms.span[term] & known.keys():
                sure = min(1.0, weight / KEYWORD_WEIGHT) * min(1.0, terms.weight[term] / SYNONYM_WEIGHT)
                strength[position] = max(strength.get(position, 0.0), sure)
        explained = sum(known[p] * strength[p] for p in strength)
        # Past 1 when a long question is explained beyond its cap: kept, so a referral that explains more of it
        # than an item still tells; shown capped.
        sureness[entry_id] = explained / whole if whole else 0.0
    return ranked, sureness


def _prepare(query: str) -> str:
    return detone(normalize(query))[:QUERY_MAX_CHARS]


def search(query: str, *, limit: int = 10) -> list[SearchHit]:
    """Items and bundles ranked for a query, however unsure: for staff who pick from candidates (the desk, the
    grid, the hotline's knowledge base). The portal asks `answer`."""
    query = _prepare(query)
    if not query or limit <= 0:
        return []
    ranked, _ = _rank(query, kinds=(SearchEntry.Kind.ITEM, SearchEntry.Kind.BUNDLE), measure=False)
    return [r.hit for r in ranked[:limit]]


def answer(query: str, *, limit: int = 10) -> SearchAnswer:
    """What a citizen is told: the answers; or that this is handled elsewhere, and where; or, when nothing
    explains the query well enough, a few suggestions offered as "did you mean"."""
    prepared = _prepare(query)
    result = SearchAnswer(query=prepared)
    if not prepared or limit <= 0:
        return result
    ranked, sureness = _rank(prepared, kinds=tuple(SearchEntry.Kind.values))
    here = [r for r in ranked if r.referral_id is None]
    # What explains more of the query comes first among the sure ones: score alone favours whatever shares the
    # most words, sureness what shares the telling ones.
    here.sort(key=lambda r: -r.hit.score * (RANK_SURENESS_FLOOR + sureness.get(r.entry_id, 0.0)))
    items = [replace(r.hit, sureness=round(min(1.0, sureness.get(r.entry_id, 0.0)), 3)) for r in here]
    best = max((sureness.get(r.entry_id, 0.0) for r in here), default=0.0)
    referral = next((r for r in ranked[:SURENESS_RANKS] if r.referral_id is not None), None)
    if referral is not None and sureness.get(referral.entry_id, 0.0) >= REFERRAL_MIN:
        # Elsewhere only when it explains clearly more than anything here: "身份证" is the item we renew; "身份证丢了"
        # is the replacement the police issue.
        found = Referral.objects.get(pk=referral.referral_id)
        if best < ANSWER_MIN or sureness[referral.entry_id] > best + REFERRAL_MARGIN:
            result.referral = found
            return result
        result.see_also = found
    if best >= ANSWER_MIN:
        result.hits = [hit for hit in items[:limit] if hit.sureness >= TAIL_MIN]
    else:
        result.suggestions = items[:SUGGESTIONS]
    return result


def warm_up() -> None:
    """Load jieba's dictionary now, so that the first citizen's search does not wait 1.5 s for it."""
    tokenizer().initialize()

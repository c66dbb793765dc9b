"""Answering a query: its terms, one scoring statement over the index, and how sure the answer is.

Terms of a query, each with the characters of the query it stands for: jieba's words and runs of whole words
(so a keyword is found however jieba splits a sentence); synonym expansions (Cantonese and colloquial words);
Latin words as English stems and as pinyin, joined pinyin cut into syllables; and, for every two to four
characters that are not themselves a word of the index, their pinyin, which is how a homophone typo ("户口前移")
still meets the word it was meant to be (户口迁移).

Sureness: the share of the query's information that the best entry explains. Each character the index knows
weighs the idf of the rarest term covering it; an entry explains the characters its matched terms cover. Words
the index does not know at all weigh a quarter of the rarest word: they may be the filler of a rambling sentence or
the very thing the catalog does not offer. Below ANSWER_MIN the results
are not shown as answers but offered as "did you mean"; a referral elsewhere that explains the query answers
"not handled here".
"""

import math
import time
from dataclasses import dataclass, field, replace

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..models import Bundle, Referral, SearchEntry, SearchTerm, ServiceItem, Synonym
from .index import KEYWORD_WEIGHT
from .text import (
    CJK_RUN,
    ENGLISH_STOPWORDS,
    LATIN_WORD,
    PHRASE_MAX,
    PINYIN_PREFIX,
    QUERY_MAX_CHARS,
    STOPWORDS,
    SYLLABLES_MAX,
    TERM_MAX,
    detone,
    english_stems,
    english_term,
    normalize,
    pinyin_of,
    split_keywords,
    syllabify,
    tokenizer,
    words,
)

SYNONYM_WEIGHT = 0.8  # a synonym's expansion, against 1.0 for the words the citizen typed
PINYIN_WEIGHT = 0.9  # Latin letters read as pinyin
HOMOPHONE_WEIGHT = 0.7  # characters read by their sound: the citizen may have meant other characters
NGRAM_MAX = 6  # query character runs up to this long meet whole keywords ("身份证到期") jieba would split
HOMOPHONE_MAX = 4  # characters read by their sound, at most this many at a time
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
EDIT_WEIGHT = 0.6  # a word one edit from what the citizen typed
EDIT_WORD_MIN, EDIT_WORD_MAX = 3, 6  # two-character words are one edit from hundreds of others
EDIT_CHOICES = 3
VOCABULARY_TTL = 300.0
SYNONYM_TTL = 60.0  # seconds; bounds how long a same-length edit made in another process goes unseen
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
        ANSWERED = "answered"
        REFERRAL = "referral"
        WEAK = "weak"
        NONE = "none"

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
                for expansion in split_keywords(expansions):
                    # The whole expansion is the catalog's own wording. Its parts share a smaller weight,
                    # or "有限责任公司" would count three times (有限, 责任, 有限责任) against a word typed once.
                    parts = words(expansion)
                    for word in parts:
                        terms.setdefault(word, SYNONYM_WEIGHT / len(parts))
                    terms[expansion[:TERM_MAX]] = SYNONYM_WEIGHT
                if normalize(term):
                    table[normalize(term)] = terms
            # Swapped in whole, so a thread searching meanwhile never sees a half-built table.
            self.table, self.marker, self.loaded_at = table, marker, now
        return self.table


_synonyms = _Synonyms()


class _Vocabulary:
    """The index's Chinese words, by length, for a word the index does not know that is one edit from one it does
    (歌舞厅 → 歌厅, 营业执招 → 营业执照). Read again when the number of entries moves, or after VOCABULARY_TTL."""

    def __init__(self) -> None:
        self.marker: int | None = None
        self.loaded_at = 0.0
        self.by_length: dict[int, list[str]] = {}

    def current(self, cursor, table: str, entries: int) -> dict[int, list[str]]:
        now = time.monotonic()
        if entries != self.marker or now - self.loaded_at > VOCABULARY_TTL:
            cursor.execute(f"SELECT DISTINCT term FROM {table} WHERE term NOT LIKE 'py:%%' AND term NOT LIKE 'en:%%'")
            by_length: dict[int, list[str]] = {}
            for (term,) in cursor.fetchall():
                if 2 <= len(term) <= EDIT_WORD_MAX + 1 and CJK_RUN.fullmatch(term):
                    by_length.setdefault(len(term), []).append(term)
            self.by_length, self.marker, self.loaded_at = by_length, entries, now
        return self.by_length

    def near(self, word: str, by_length: dict[int, list[str]]) -> list[str]:
        choices = [t for n in (len(word) - 1, len(word), len(word) + 1) for t in by_length.get(n, ())]
        found = process.extract(word, choices, scorer=Levenshtein.distance, score_cutoff=1, limit=EDIT_CHOICES)
        return [term for term, _distance, _index in found]


_vocabulary = _Vocabulary()


class _Terms:
    """term → (query weight, the query's characters it stands for, the characters it was read from when read
    by sound)."""

    def __init__(self) -> None:
        self.weight: dict[str, float] = {}
        self.span: dict[str, set[int]] = {}
        self.sound_of: dict[str, set[str]] = {}

    def add(self, term: str, weight: float, start: int, end: int, *, sound_of: str = "") -> None:
        if not term or term in STOPWORDS:
            return
        if weight > self.weight.get(term, 0.0):
            self.weight[term] = weight
        self.span.setdefault(term, set()).update(range(start, end))
        if sound_of:
            self.sound_of.setdefault(term, set()).add(sound_of)
        elif term in self.sound_of:
            self.sound_of[term].clear()  # also typed as such: not a reading by sound


def _occurs(term: str, query: str, bounds: set[int], spans: list[tuple[int, int]]):
    """Where `term` is in the query as whole words or inside one word, not straddling a word edge: "开工"
    (→ 施工许可) is in "开工了" but not in "开工厂" (开 | 工厂)."""
    start = query.find(term)
    while start >= 0:
        end = start + len(term)
        if (start in bounds and end in bounds) or any(a <= start and end <= b for a, b in spans):
            yield start, end
        start = query.find(term, start + 1)


def _latin(query: str, terms: _Terms) -> None:
    """Latin words as English stems and phrases, and as pinyin; joined or spaced pinyin cut into syllables."""
    stems = english_stems(query)
    for i in range(len(stems)):
        for j in range(i + 1, min(len(stems), i + PHRASE_MAX) + 1):
            terms.add(english_term([s for s, _, _ in stems[i:j]]), 1.0, stems[i][1], stems[j - 1][2])
    letters, where = "", []
    for match in LATIN_WORD.finditer(query):
        word, start = match.group(), match.start()
        if len(word) >= 2:
            terms.add(PINYIN_PREFIX + word[: TERM_MAX - 3], 1.0, start, match.end())
        letters += word
        where += range(start, match.end())
    syllables = syllabify(letters) if len(letters) <= 60 else ()
    offsets = [0]
    for syllable in syllables:
        offsets.append(offsets[-1] + len(syllable))
    for i in range(len(syllables)):
        for j in range(i + 2, min(len(syllables), i + SYLLABLES_MAX) + 1):
            joined = "".join(syllables[i:j])
            terms.add(PINYIN_PREFIX + joined, PINYIN_WEIGHT, where[offsets[i]], where[offsets[j] - 1] + 1)


def _by_sound(query: str, terms: _Terms, spans: list[tuple[int, int]]) -> None:
    """Two to four characters read by their sound, from word edge to word edge, unless they are one real word: a
    typo splits its word into pieces (营业执找 → 营业 | 执 | 找) that join again by sound, while "一场" is meant as
    typed and never becomes 异常, nor "实验室证明" 室证 (→ 师证)."""
    bounds = {edge for span in spans for edge in span}
    dictionary = tokenizer().FREQ
    real = {(start, end) for start, end in spans if dictionary.get(query[start:end])}
    for run in CJK_RUN.finditer(query):
        sounds = pinyin_of(run.group())
        if len(sounds) != len(run.group()):
            continue
        for i in range(len(sounds)):
            for j in range(i + 2, min(len(sounds), i + HOMOPHONE_MAX) + 1):
                start, end = run.start() + i, run.start() + j
                if start in bounds and end in bounds and (start, end) not in real:
                    joined = PINYIN_PREFIX + "".join(sounds[i:j])
                    terms.add(joined, HOMOPHONE_WEIGHT, start, end, sound_of=query[start:end])


def query_terms(query: str, synonyms: dict[str, dict[str, float]]) -> tuple[_Terms, set[int]]:
    """The query's terms, and the characters that carry its content (not filler, not single characters)."""
    terms = _Terms()
    spans = [(start, end) for _, start, end in tokenizer().tokenize(query)]
    bounds = {edge for span in spans for edge in span}
    content = set()
    for start, end in spans:
        token = query[start:end]
        if len(token) >= 2 and token not in STOPWORDS and token not in ENGLISH_STOPWORDS and token.strip():
            content.update(range(start, end))
    for word in words(query):
        start = query.find(word)
        terms.add(word, 1.0, start, start + len(word))
    # Runs of whole words meet keywords jieba splits ("身份证到期" in "身份证到期了").
    for run in CJK_RUN.finditer(query):
        edges = sorted(edge for edge in bounds if run.start() <= edge <= run.end())
        for i, start in enumerate(edges):
            for end in edges[i + 1 :]:
                if end - start > NGRAM_MAX:
                    break
                if end - start >= 2:
                    terms.add(query[start:end], 1.0, start, end)
    _latin(query, terms)
    _by_sound(query, terms, spans)
    for term, expansions in synonyms.items():
        for start, end in _occurs(term, query, bounds, spans):
            content.update(range(start, end))
            for expansion, weight in expansions.items():
                terms.add(expansion, weight, start, end)
    return terms, content


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


def _rank(query: str, *, kinds: tuple[str, ...]) -> tuple[list[_Ranked], dict[int, float]]:
    """The best entries of the given kinds, best first, each with its sureness (for the first SURENESS_RANKS)."""
    # Hand-written SQL: short statements, the same on SQLite and PostgreSQL, where the ORM spent more time
    # compiling a CASE of a dozen terms than the database spent answering it.
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {t['entry']}), COUNT(*), MAX(id), "
            f"SUM(LENGTH(term) + LENGTH(expansions)) FROM {t['synonym']}"
        )
        total, *marker = cursor.fetchone()
        terms, content = query_terms(query, _synonyms.current(tuple(marker)))
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
            by_length = _vocabulary.current(cursor, t["term"], total)
            extra = set()
            for word in unknown:
                start = query.find(word)
                for near in _vocabulary.near(word, by_length):
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
        best = [r.entry_id for r in ranked[:SURENESS_RANKS]]
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
    ranked, _ = _rank(query, kinds=(SearchEntry.Kind.ITEM, SearchEntry.Kind.BUNDLE))
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

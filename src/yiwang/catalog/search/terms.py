"""A query's terms, each with the characters of the query it stands for: jieba's words and runs of whole words
(so a keyword is found however jieba splits a sentence); synonym expansions (Cantonese and colloquial words);
Latin words as English stems and phrases and as pinyin, joined pinyin cut into syllables; two to four characters
that are not one real word read by their sound, which is how a homophone typo ("户口前移") still meets the word it
was meant to be (户口迁移); and a word the index does not know, matched to those one edit away."""

import time

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..models import Synonym
from .text import (
    CJK_RUN,
    ENGLISH_STOPWORDS,
    LATIN_WORD,
    PHRASE_MAX,
    PINYIN_PREFIX,
    STOPWORDS,
    SYLLABLES_MAX,
    TERM_MAX,
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
EDIT_WEIGHT = 0.6  # a word one edit from what the citizen typed
EDIT_WORD_MIN, EDIT_WORD_MAX = 3, 6  # two-character words are one edit from hundreds of others
EDIT_CHOICES = 3
VOCABULARY_TTL = 300.0
SYNONYM_TTL = 60.0  # seconds; bounds how long a same-length edit made in another process goes unseen


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


synonym_table = _Synonyms()


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


vocabulary = _Vocabulary()


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

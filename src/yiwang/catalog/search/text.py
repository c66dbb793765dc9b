"""How a text becomes search terms: one normal form for every script, words, pinyin and English stems.

Every script a Guangzhou resident types is folded to one form before anything else: full-width to half-width
(NFKC), traditional and Hong Kong characters to simplified (OpenCC's hk2s), capitals to lower case. Cantonese
colloquial words are then ordinary vocabulary (the synonym data, in simplified characters). Pinyin is indexed
whole ("shenfenzheng") and as initials ("sfz"); a Latin query is cut into syllables so "gongjijintiqu" and
"jie hun" meet those terms, and its words are also stemmed as English ("licences" → "licenc").
"""

import logging
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import jieba
import opencc
import snowballstemmer
import yaml
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.contrib.tone_convert import to_normal

jieba.setLogLevel(logging.WARNING)

PINYIN_PREFIX = "py:"
ENGLISH_PREFIX = "en:"
TERM_MAX = 40  # SearchTerm.term's column width
QUERY_MAX_CHARS = 64  # nobody types a longer question; a pasted page is cut, not refused
SYLLABLES_MAX = 6  # a joined pinyin run is matched in pieces of up to this many syllables

CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z]+")
SPLIT = re.compile(r"[\s,，、;；/|]+")
PHRASES = re.compile(r"[,，、;；/|()（）:：]+")
PHRASE_MAX = 4  # English phrases of up to this many words are terms of their own
BRACKETED = re.compile(r"\([^)]*\)")  # "(新办)" qualifies a name; its initials would not be typed
_TONE_DIGIT = re.compile(r"(?<=[a-z\u00c0-\u024f])[1-5]")


def _data(name: str):
    return yaml.safe_load(resources.files("yiwang.catalog").joinpath("data", name).read_text("utf-8")) or {}


_FILLERS = _data("fillers.yaml")
# Filler in how people ask (Mandarin, Cantonese, English), never a reason to rank one entry above another.
STOPWORDS = frozenset(str(w) for w in _FILLERS.get("chinese", []))
ENGLISH_STOPWORDS = frozenset(str(w) for w in _FILLERS.get("english", []))

_converter = opencc.OpenCC("hk2s")
_stemmer = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """One form for every way of typing the same thing: ＳＦＺ/sfz, 點樣/点样, （/(."""
    return _converter.convert(unicodedata.normalize("NFKC", text or "").lower().strip())


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """jieba with the project's own vocabulary added, so "网咖" and "电竞" are words, not 开电 | 竞网 | 咖.

    The vocabulary comes from the shipped data files, not from the Synonym table, so that every process
    segments alike and terms indexed by one are found by another.
    """
    tokenizer = jieba.Tokenizer()
    synonyms = _data("synonyms.yaml")
    keywords = _data("item_keywords.yaml")
    referrals = _data("elsewhere.yaml")
    vocabulary = {
        *synonyms,
        *(w for ws in synonyms.values() for w in ws),
        *(w for ws in keywords.values() for w in ws),
        *(w for row in referrals for w in row.get("keywords", [])),
    }
    for word in vocabulary:
        word = normalize(str(word))
        if len(word) >= 2 and CJK_RUN.fullmatch(word):
            tokenizer.add_word(word)
    return tokenizer


@lru_cache(maxsize=50000)
def words(text: str) -> tuple[str, ...]:
    """Index-grade words: jieba's search segmentation without single characters, filler or punctuation. Shared
    with what compares texts by their words (the hotline's repeat detection, its knowledge base)."""
    found = []
    for token in tokenizer().cut_for_search(normalize(text)):
        token = token.strip()
        if len(token) >= 2 and token not in STOPWORDS and (CJK_RUN.search(token) or token.isalnum()):
            found.append(token[:TERM_MAX])
    return tuple(found)


def pinyin_of(chinese: str) -> list[str]:
    """Toneless syllables, ü written v as keyboards type it ("绿" → "lv")."""
    return lazy_pinyin(chinese, errors="ignore")


@lru_cache(maxsize=20000)
def pinyin_terms(text: str) -> tuple[str, ...]:
    """The `py:` terms of a text's Chinese characters: initials ("jmsfz") and whole pinyin ("jumin…"), each cut to
    the column; () if there are fewer than two characters."""
    chinese = "".join(CJK_RUN.findall(text))
    if len(chinese) < 2:
        return ()
    room = TERM_MAX - len(PINYIN_PREFIX)
    initials = "".join(lazy_pinyin(chinese, style=Style.FIRST_LETTER))[:room]
    whole = "".join(pinyin_of(chinese))
    return (PINYIN_PREFIX + initials, *([PINYIN_PREFIX + whole] if len(whole) <= room else []))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (about 420), ü as v."""
    return frozenset(
        to_normal(reading).replace("ü", "v") for readings in PINYIN_DICT.values() for reading in readings.split(",")
    )


def detone(text: str) -> str:
    """ "shēnfènzhèng" and "shen1fen4zheng4" → "shenfenzheng"."""
    text = unicodedata.normalize("NFD", _TONE_DIGIT.sub("", text)).replace("u\u0308", "v")
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=5000)
def syllabify(letters: str) -> tuple[str, ...]:
    """Cut joined pinyin into syllables, fewest pieces first ("xian" stays one, "gongjijin" → gong ji jin); ()
    when the letters are not pinyin at all (English, initials)."""
    known = _syllables()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(letters)
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and letters[start:end] in known:
                candidate = (*head, letters[start:end])
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or ()


def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def english_stems(text: str) -> list[tuple[str, int, int]]:
    """Each English word that is not filler, stemmed, with where it is in the (normalized) text."""
    return [
        (stem(m.group()), m.start(), m.end())
        for m in LATIN_WORD.finditer(text)
        if len(m.group()) >= 2 and m.group() not in ENGLISH_STOPWORDS
    ]


def english_term(stems: list[str]) -> str:
    """One word ("en:licens"), or a phrase of words joined ("en:busi_licens"): a keyword typed whole outranks
    an item whose name only has the same words somewhere ("food business licence")."""
    return (ENGLISH_PREFIX + "_".join(stems))[:TERM_MAX]


def english_terms(text: str) -> tuple[str, ...]:
    """The `en:` terms of an English text: stems of its words without filler ("Business licences" → busi, licenc),
    and each comma-separated phrase of two to PHRASE_MAX words whole ("busi_licenc")."""
    terms = []
    for phrase in PHRASES.split(normalize(text)):
        stems = [s for s, _, _ in english_stems(phrase)]
        terms += [english_term([s]) for s in stems]
        if 2 <= len(stems) <= PHRASE_MAX:
            terms.append(english_term(stems))
    return tuple(dict.fromkeys(terms))


def split_keywords(keywords: str) -> list[str]:
    return [k for k in SPLIT.split(normalize(keywords)) if k]

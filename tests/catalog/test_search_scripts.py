"""Search in every script a Guangzhou resident types, by sound when the characters are wrong, and an honest
"not handled here": through the search functions; the portal page is tested in tests/portal."""

import pytest

from yiwang.catalog import search
from yiwang.catalog.models import Referral, SearchEntry
from yiwang.catalog.search.text import detone, english_terms, normalize, pinyin_terms, syllabify
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def first(query: str) -> str | None:
    hits = search.answer(query).hits
    return hits[0].code if hits else None


def top(query: str, n: int = 5) -> list[str]:
    return [hit.code for hit in search.answer(query).hits[:n]]


def test_traditional_and_hong_kong_characters_fold_to_simplified():
    assert normalize("點樣搞個體戶牌照") == "点样搞个体户牌照"
    assert normalize("ＳＦＺ（新辦）") == "sfz(新办)"


def test_tones_marks_and_digits_are_dropped_and_u_umlaut_is_typed_v():
    assert detone("shēnfènzhèng") == "shenfenzheng"
    assert detone("shen1fen4zheng4") == "shenfenzheng"
    assert detone("lǜshī") == "lvshi"


@pytest.mark.parametrize(
    ("letters", "syllables"),
    [
        ("gongjijintiqu", ("gong", "ji", "jin", "ti", "qu")),
        ("xian", ("xian",)),  # fewest pieces: not xi an
        ("jiehun", ("jie", "hun")),
        ("sfz", ()),  # initials are not syllables
        ("license", ("li", "cen", "se")),  # letters that happen to be pinyin: their terms simply match nothing
    ],
)
def test_joined_pinyin_is_cut_into_syllables(letters, syllables):
    assert syllabify(letters) == syllables


def test_index_holds_whole_pinyin_and_initials():
    assert pinyin_terms("居民身份证") == ("py:jmsfz", "py:juminshenfenzheng")


def test_english_terms_are_stems_without_filler_and_each_phrase_whole():
    assert english_terms("How do I get a Business Licence?") == ("en:busi", "en:licenc", "en:busi_licenc")
    assert english_terms("register a company, food licence") == (
        "en:regist",
        "en:compani",
        "en:regist_compani",
        "en:food",
        "en:licenc",
        "en:food_licenc",
    )


def test_a_keyword_phrase_typed_whole_outranks_a_name_with_the_same_words():
    assert first("business license") in ("R001", "R002", "B01")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("點樣開公司", "R001"),
        ("身份證過期", "R031"),
        ("jiehun登记", "R040"),
        ("jie hun deng ji", "R040"),
        ("shēnfènzhèng", "R031"),
        ("shen1fen4zheng4", "R031"),
        ("gongjijintiqu", "R067"),
        ("户口前移", "R034"),  # 前移 sounds as 迁移
        ("身份正过期", "R031"),  # 身份正 sounds as 身份证
    ],
)
def test_scripts_pinyin_and_homophones_find_the_item(query, code):
    assert code in top(query, 3), search.answer(query)


def test_a_correctly_typed_word_is_not_counted_again_by_its_sound():
    """身份证 typed right scores what its words are worth; read again by sound (py:shenfenzheng) it would count
    twice and outweigh everything typed beside it."""
    typed = search.answer("身份证").hits[0]
    assert typed.code == "R031"
    by_sound_only = search.answer("身份正").hits[0]
    assert by_sound_only.code == "R031" and by_sound_only.score < typed.score


def test_staff_search_never_returns_referrals():
    assert all(hit.kind != SearchEntry.Kind.REFERRAL for hit in search.search("办护照"))
    assert search.answer("办护照").referral.need == "办理护照"


def test_a_referral_saved_through_the_service_is_searchable_at_once_and_audited(catalog_admin):
    from yiwang.catalog.services import reference_save

    referral = Referral(code="T98", need="申领海员证", where="海事管理机构", keywords="海员证 船员证 seaman")
    reference_save(actor=catalog_admin, obj=referral)
    result = search.answer("海员证怎么办")
    assert result.referral == referral and result.hits == []
    assert result.outcome == search.SearchAnswer.Outcome.REFERRAL
    assert AuditEntry.objects.filter(action="catalog.referral_create").exists()


def test_a_query_nothing_explains_gets_suggestions_not_answers():
    result = search.answer("量子纠缠实验室证明")
    assert result.hits == []
    assert result.outcome in (search.SearchAnswer.Outcome.WEAK, search.SearchAnswer.Outcome.NONE)
    assert len(result.suggestions) <= 3


def test_a_sure_answer_reports_its_sureness():
    result = search.answer("开饭店")
    assert result.outcome == search.SearchAnswer.Outcome.ANSWERED
    assert result.hits[0].sureness >= 0.9


def test_a_latin_query_is_marked_for_english_names():
    assert search.answer("business licence").latin
    assert not search.answer("sfz身份证").latin


def test_a_word_the_index_does_not_know_meets_one_an_edit_away():
    """歌舞厅 is nowhere in the catalog; 歌厅 (R044's keyword) is one deletion from it."""
    assert {"R044", "B08"} & set(top("开歌舞厅要办哪些手续"))


def test_the_vocabulary_for_edits_is_read_again_when_the_catalog_grows(monkeypatch):
    from yiwang.catalog.search import terms

    search.answer("开歌舞厅")
    loaded = terms.vocabulary.marker
    Referral.objects.create(code="T97", need="申领船员证", where="海事管理机构", keywords="船员证 海员证")
    search.index_referral(Referral.objects.get(code="T97"))
    search.answer("开歌舞厅")  # 歌舞厅 is unknown: the edit step reads the vocabulary again, now one entry larger
    assert terms.vocabulary.marker == loaded + 1
    assert "船员证" in terms.vocabulary.by_length[3]


def test_sureness_never_shows_above_one_for_a_long_question():
    long = "我们几个老乡在番禺合伙搞了个小厂做五金加工，现在规模大了，客户要求我们有正规的营业执照才肯下单"
    assert all(0.0 <= hit.sureness <= 1.0 for hit in search.answer(long).hits)

"""Colloquial search over the reference catalog: recall, the cases citizens type most, and the index's upkeep."""

from pathlib import Path

import pytest
import yaml

from yiwang.catalog import search
from yiwang.catalog.generated import generate_items
from yiwang.catalog.models import SearchEntry, SearchTerm, ServiceItem, Synonym
from yiwang.catalog.search import SearchHit
from yiwang.catalog.services import bundle_save, item_version_draft, item_version_publish, item_version_update

CASES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text("utf-8"))

pytestmark = pytest.mark.django_db


def codes(query: str, limit: int = 5) -> list[str]:
    return [hit.code for hit in search.search(query, limit=limit)]


def test_query_set_is_big_enough_to_mean_something():
    assert len(CASES) >= 60
    assert len({case["query"] for case in CASES}) == len(CASES)


def test_recall_at_five_over_the_query_set():
    found = expected = 0
    misses = []
    for case in CASES:
        top = set(codes(case["query"]))
        found += len(set(case["expect"]) & top)
        expected += len(case["expect"])
        if not set(case["expect"]) <= top:
            misses.append(case["query"])
    assert found / expected >= 0.9, misses


@pytest.mark.parametrize(
    ("query", "wanted", "within"),
    [
        ("开饭店要办哪些证", ["B02", "R005"], 2),
        ("身份证到期了", ["R031"], 1),
        ("生孩子要办什么", ["B06"], 1),
        ("开公司", ["R001", "B01"], 2),
        ("办个体户", ["R002"], 1),
        ("小孩上户口", ["R032"], 1),
        ("领结婚证", ["R040"], 1),
        ("失业了", ["R037"], 1),
        ("公积金买房提取", ["R067"], 1),
        ("开网吧", ["B05", "R045"], 2),
        ("开药店", ["B04", "R008"], 2),
        ("卖烟", ["R061"], 1),
        ("装修招牌", ["R048"], 1),
        ("排污", ["R030"], 1),
        ("盖房子施工许可", ["R015"], 1),
    ],
)
def test_must_pass_queries(query, wanted, within):
    assert set(wanted) <= set(codes(query, limit=within)), search.search(query, limit=5)


def test_life_event_question_puts_the_bundle_first():
    hits = search.search("开饭店要办哪些证")
    assert (hits[0].kind, hits[0].code, hits[0].title) == ("bundle", "B02", "开餐馆一件事")


@pytest.mark.parametrize(("query", "code"), [("sfz", "R031"), ("SFZ", "R031"), ("ｓｆｚ", "R031"), ("gjj", "R067")])
def test_pinyin_initials(query, code):
    assert code in codes(query, limit=2)


def test_bundles_and_items_ranked_together_in_one_list():
    hits = search.search("开饭店要办哪些证", limit=10)
    assert {hit.kind for hit in hits} == {"item", "bundle"}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_limit_is_respected():
    assert len(search.search("许可", limit=3)) == 3
    assert search.search("许可", limit=0) == []


def test_an_administrator_added_synonym_takes_effect_at_once():
    assert "R042" not in codes("揭不开锅了")
    Synonym.objects.create(term="揭不开锅", expansions="最低生活保障 社会救助")
    assert codes("揭不开锅了", limit=1) == ["R042"]


def test_an_edited_synonym_takes_effect_at_once():
    Synonym.objects.create(term="揭不开锅", expansions="最低生活保障")
    assert codes("揭不开锅", limit=1) == ["R042"]
    Synonym.objects.filter(term="揭不开锅").update(expansions="失业登记")
    assert codes("揭不开锅", limit=1) == ["R037"]
    Synonym.objects.filter(term="揭不开锅").delete()
    assert "R037" not in codes("揭不开锅")


def test_a_same_length_edit_shows_once_the_cache_has_aged(monkeypatch):
    Synonym.objects.create(term="揭不开锅", expansions="失业登记")
    assert codes("揭不开锅", limit=1) == ["R037"]
    Synonym.objects.filter(term="揭不开锅").update(expansions="结婚登记")
    monkeypatch.setattr("yiwang.catalog.search.terms.SYNONYM_TTL", 0.0)
    assert codes("揭不开锅", limit=1) == ["R040"]


def test_a_republished_item_is_found_by_its_new_keywords_and_its_old_terms_are_gone():
    item = ServiceItem.objects.get(code="R031")
    assert "R031" not in codes("证件翻新")
    draft = item_version_draft(actor=None, item=item)
    item_version_update(actor=None, version=draft, keywords="证件翻新 卡片换新")
    item_version_publish(actor=None, version=draft)

    assert codes("证件翻新", limit=1) == ["R031"]
    terms = set(SearchTerm.objects.filter(entry__item=item).values_list("term", flat=True))
    assert {"证件翻新", "卡片换新"} <= terms
    assert "身份证到期" not in terms
    assert SearchEntry.objects.filter(item=item).count() == 1
    assert len(terms) == SearchTerm.objects.filter(entry__item=item).count()


def test_a_resaved_bundle_is_reindexed():
    bundle_save(
        actor=None,
        code="B05",
        name="开网吧一件事",
        audience="enterprise",
        items=list(ServiceItem.objects.filter(code__in=["R001", "R045"])),
        keywords="电竞酒店",
    )
    assert codes("电竞酒店", limit=1) == ["B05"]
    assert not SearchTerm.objects.filter(entry__bundle__code="B05", term="网咖").exists()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\n\t",
        "？！。，、……",
        "!!!???",
        "的了吗",
        "a",
        "开饭店" * 334,
        "x" * 1000,
        "' OR 1=1; DROP TABLE catalog_searchterm; --",
        "%_%",
        "\x00身份证",
    ],
)
def test_odd_queries_return_a_list_without_error(query):
    hits = search.search(query)
    assert isinstance(hits, list)
    assert all(isinstance(hit, SearchHit) for hit in hits)


def test_empty_and_punctuation_queries_find_nothing():
    assert search.search("") == []
    assert search.search("   ") == []
    assert search.search("？！。，、") == []


def test_reindex_all_rebuilds_the_same_ranking():
    before = search.search("开饭店要办哪些证")
    assert search.reindex_all() == SearchEntry.objects.count()
    assert search.search("开饭店要办哪些证") == before


def test_generated_items_compete_but_do_not_bury_the_reference_items():
    assert generate_items(count=600) == 600
    assert generate_items(count=600) == 0
    generated = ServiceItem.objects.filter(code__startswith="G")
    assert generated.count() == 600
    assert not generated.filter(current_version=None).exists()
    assert SearchEntry.objects.filter(item__code__startswith="G").count() == 600
    assert codes("餐饮服务许可", limit=10)[0].startswith("G")
    assert codes("身份证到期了", limit=1) == ["R031"]
    assert codes("开饭店要办哪些证", limit=2) == ["B02", "R005"]

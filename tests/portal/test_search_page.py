"""The portal's search page: answers, "not handled here" with where to go, "did you mean", English names, and
the unanswered query counted (masked) for the catalog's editors."""

import pytest

from yiwang.catalog.models import Referral, SearchMiss

pytestmark = pytest.mark.django_db


@pytest.fixture
def passports(db):
    return Referral.objects.get(need="办理护照")


def get(client, query: str) -> str:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_need_handled_elsewhere_is_answered_plainly_with_where_to_go(client, passports, monday):
    html = get(client, "我想办护照")
    assert "不在本平台办理" in html and passports.where in html
    assert 'href="tel:12367"' in html and "12345" in html
    assert 'id="results"' not in html and 'id="suggestions"' not in html  # no list of unrelated items
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.outcome, miss.count) == ("我想办护照", "referral", 1)


def test_an_english_query_shows_the_english_names(client, passports):
    html = get(client, "passport")
    assert passports.where_en in html


def test_a_sure_answer_is_not_logged_as_a_miss(client):
    assert "开餐馆一件事" in get(client, "開餐廳")
    assert not SearchMiss.objects.exists()


def test_a_query_without_a_sure_answer_offers_did_you_mean_and_is_logged_masked(client, monday):
    html = get(client, "量子纠缠实验室证明 13812345678")
    assert "没有找到" in html and "12345" in html
    miss = SearchMiss.objects.get()
    assert "13812345678" not in miss.query and miss.outcome in ("weak", "none")


def test_the_search_page_costs_a_bounded_number_of_queries(client, passports, django_assert_max_num_queries):
    get(client, "开饭店")  # the synonym table is read once per process, outside the count
    with django_assert_max_num_queries(6):
        get(client, "开饭店要办哪些证")
    with django_assert_max_num_queries(10):
        get(client, "办护照")  # the referral, and the miss counted (the first of the week: four statements)


def test_answers_mention_a_related_need_handled_elsewhere(client):
    from yiwang.catalog.search import answer

    result = answer("身份证")  # renewed here (R031); a lost card is replaced by the police (a referral)
    assert result.hits[0].code == "R031" and result.see_also is not None
    html = get(client, "身份证")
    assert 'id="see-also"' in html and result.see_also.where in html

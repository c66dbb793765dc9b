"""The portal's unanswered searches: a query is kept masked and normalized, counted once per week (Asia/Shanghai's
weeks, Monday to Sunday) and outcome, cheaply and safely under concurrent first searches; the catalog's editors
(catalog_maintain) read a week's most frequent on the staff site, nobody else does."""

import datetime as dt

import pytest
from django.db.models import QuerySet

from tests.case_fixtures import MONDAY
from yiwang.catalog import selectors
from yiwang.catalog.misses import mask_query, week_of
from yiwang.catalog.models import SearchMiss
from yiwang.catalog.services import search_miss_record
from yiwang.core.errors import NotFound
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))
WEEK = MONDAY.date()  # 2026-11-23
URL = "/workbench/catalog/search-misses/"


def _rows():
    return list(
        SearchMiss.objects.order_by("week", "query", "outcome").values_list("week", "query", "outcome", "count")
    )


# --- masking -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("身份证440105199001011234丢了", "身份证[证件号]丢了"),
        ("44010519900101123X 补办", "[证件号] 补办"),
        ("44010519900101123x", "[证件号]"),
        ("91440105MA59ABCD17年报", "[证件号]年报"),  # 统一社会信用代码
        ("13812345678怎么改绑", "[号码]怎么改绑"),
        ("手机 138 1234 5678 换号", "手机 [号码] 换号"),
        ("138-1234-5678", "[号码]"),
        ("１３８１２３４５６７８", "[号码]"),  # full-width digits, made ASCII by NFKC first
        ("银行卡6222021234567890123挂失", "银行卡[号码]挂失"),
        ("Zhang.San+gov@Example.com.cn 收不到邮件", "[邮箱] 收不到邮件"),
        ("联系zhangsan@qq.com谢谢", "联系[邮箱]谢谢"),
    ],
)
def test_personal_data_is_masked(query, kept):
    assert mask_query(query) == kept


def test_the_rest_is_kept_normalized():
    assert (
        mask_query("  2026年　社保  ＡＢＣ 12345 ") == "2026年 社保 abc 12345"
    )  # five digits are not a number to hide
    assert mask_query("护照" * 40) == "护照" * 32
    assert mask_query("   ") == mask_query("") == ""


def test_a_cut_never_keeps_part_of_a_number():
    masked = mask_query("办" * 60 + "13812345678")
    assert len(masked) == 64 and not any(c.isdigit() for c in masked)


# --- counting ------------------------------------------------------------------------------------------------------


def test_repeats_in_a_week_count_on_one_row(monday):
    search_miss_record(query="怎么办 狗证", outcome="none")
    monday.shift(dt.timedelta(days=3))
    search_miss_record(query="  怎么办　狗证", outcome="none")
    search_miss_record(query="身份证440105199001011234丢了", outcome="weak")
    search_miss_record(query="身份证440105199001011239丢了", outcome="weak")  # someone else's number, same question
    assert _rows() == [(WEEK, "怎么办 狗证", "none", 2), (WEEK, "身份证[证件号]丢了", "weak", 2)]
    row = SearchMiss.objects.get(query="怎么办 狗证")
    assert row.last_seen == MONDAY + dt.timedelta(days=3)


def test_sunday_night_and_monday_morning_are_different_weeks(monday):
    """Both moments fall on a Sunday in UTC: the week is Asia/Shanghai's."""
    monday.move_to(dt.datetime(2026, 11, 29, 23, 30, tzinfo=CST))
    search_miss_record(query="办居住证", outcome="none")
    monday.move_to(dt.datetime(2026, 11, 30, 0, 30, tzinfo=CST))
    search_miss_record(query="办居住证", outcome="none")
    assert _rows() == [
        (WEEK, "办居住证", "none", 1),
        (dt.date(2026, 11, 30), "办居住证", "none", 1),
    ]


def test_an_explicit_moment_counts_in_its_own_week(monday):
    search_miss_record(query="办居住证", outcome="none", at=dt.datetime(2026, 11, 22, 23, 59, tzinfo=CST))
    assert _rows() == [(dt.date(2026, 11, 16), "办居住证", "none", 1)]


def test_outcomes_count_apart(monday):
    for outcome in ("none", "weak", "referral", "weak"):
        search_miss_record(query="离婚", outcome=outcome)
    assert _rows() == [(WEEK, "离婚", "none", 1), (WEEK, "离婚", "referral", 1), (WEEK, "离婚", "weak", 2)]


def test_empty_queries_are_not_counted_and_unknown_outcomes_refused(monday):
    search_miss_record(query="", outcome="none")
    search_miss_record(query=" 　 ", outcome="none")
    assert _rows() == []
    with pytest.raises(ValueError):
        search_miss_record(query="离婚", outcome="nothing")


def test_a_late_call_does_not_move_the_last_sighting_back(monday):
    search_miss_record(query="办居住证", outcome="none")
    search_miss_record(query="办居住证", outcome="none", at=MONDAY - dt.timedelta(hours=1))
    row = SearchMiss.objects.get()
    assert (row.count, row.last_seen) == (2, MONDAY)


def test_a_concurrent_first_search_is_counted_not_lost(monday, monkeypatch):
    """Two first searches at once: this one's UPDATE finds no row, the other's INSERT lands, this one's INSERT meets
    the unique constraint and counts on the other's row instead."""
    update = QuerySet.update

    def the_other_inserts_meanwhile(queryset, **changes):
        found = update(queryset, **changes)
        if queryset.model is SearchMiss and not found:
            SearchMiss.objects.create(week=WEEK, query="办居住证", outcome="none", count=1, last_seen=MONDAY)
        return found

    monkeypatch.setattr(QuerySet, "update", the_other_inserts_meanwhile)
    search_miss_record(query="办居住证", outcome="none")
    assert _rows() == [(WEEK, "办居住证", "none", 2)]


def test_counting_is_cheap_and_not_audited(monday, django_assert_num_queries, django_assert_max_num_queries):
    audited = AuditEntry.objects.count()
    # The first of the week: an UPDATE that finds nothing, the week's row count, the INSERT (and its savepoint,
    # inside a transaction).
    with django_assert_max_num_queries(5):
        search_miss_record(query="办居住证", outcome="none")
    with django_assert_num_queries(1):
        search_miss_record(query="办居住证", outcome="none")
    assert AuditEntry.objects.count() == audited


# --- reading -------------------------------------------------------------------------------------------------------


def _week_of_misses():
    for query, count in (("办居住证", 3), ("狗证", 5), ("离婚", 3)):
        SearchMiss.objects.create(week=WEEK, query=query, outcome="none", count=count, last_seen=MONDAY)
    SearchMiss.objects.create(
        week=WEEK - dt.timedelta(days=7), query="上周的", outcome="none", count=9, last_seen=MONDAY
    )


def test_editors_read_the_week_most_frequent_first(catalog_admin):
    _week_of_misses()
    for day in range(7):  # any day of the week names it
        rows = selectors.search_misses(actor=catalog_admin, week=WEEK + dt.timedelta(days=day))
        assert [(r.query, r.count) for r in rows] == [("狗证", 5), ("办居住证", 3), ("离婚", 3)]


def test_a_week_shows_at_most_a_hundred(catalog_admin):
    SearchMiss.objects.bulk_create(
        SearchMiss(week=WEEK, query=f"词{i:03}", outcome="none", count=i + 1, last_seen=MONDAY) for i in range(120)
    )
    rows = selectors.search_misses(actor=catalog_admin, week=WEEK)
    assert len(rows) == 100 and rows[0].query == "词119" and rows[-1].query == "词020"


@pytest.mark.parametrize("persona", ["clerk", "samr_reviewer", "citizen"])
def test_others_find_nothing(persona, request):
    _week_of_misses()
    with pytest.raises(NotFound):
        selectors.search_misses(actor=request.getfixturevalue(persona), week=WEEK)
    with pytest.raises(NotFound):
        selectors.search_misses(actor=None, week=WEEK)


# --- the page ------------------------------------------------------------------------------------------------------


def test_the_page_lists_the_week(client, catalog_admin, monday, django_assert_max_num_queries):
    _week_of_misses()
    client.force_login(catalog_admin)
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("狗证") < html.index("办居住证") < html.index("离婚")
    assert "上周的" not in html and "无结果" in html and 'id="masking-note"' in html
    assert "2026-11-23 至 2026-11-29" in html
    assert f'href="{URL}?week=2026-11-16" id="week-previous"' in html
    assert 'id="week-next"' not in html  # no week after this one has rows yet
    assert 'id="nav-search-misses"' in html


def test_the_page_counts_its_queries_once_whatever_the_rows(
    client, catalog_admin, monday, django_assert_max_num_queries
):
    SearchMiss.objects.bulk_create(
        SearchMiss(week=WEEK, query=f"词{i:03}", outcome="weak", count=1, last_seen=MONDAY) for i in range(100)
    )
    client.force_login(catalog_admin)
    with django_assert_max_num_queries(5):
        assert client.get(URL).content.decode().count("data-miss=") == 100


def test_the_page_walks_week_by_week(client, catalog_admin, monday):
    _week_of_misses()
    client.force_login(catalog_admin)
    html = client.get(URL, {"week": "2026-11-18"}).content.decode()  # a Wednesday: its Monday's week
    assert "2026-11-16 至 2026-11-22" in html and "上周的" in html and "狗证" not in html
    assert f'href="{URL}?week=2026-11-23" id="week-next"' in html
    assert f'href="{URL}" id="week-current"' in html
    html = client.get(URL, {"week": "2026-10-05"}).content.decode()
    assert 'id="search-misses-empty"' in html


@pytest.mark.parametrize("asked", ["2026-13-01", "yesterday", "2026-11-31"])
def test_a_date_that_is_not_one_shows_this_week_and_says_so(client, catalog_admin, monday, asked):
    _week_of_misses()
    client.force_login(catalog_admin)
    response = client.get(URL, {"week": asked})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="week-invalid"' in html and asked in html
    assert "2026-11-23 至 2026-11-29" in html and "狗证" in html


def test_the_page_is_for_editors_only(client, clerk, citizen, monday):
    _week_of_misses()
    assert client.get(URL).status_code == 302  # to the login
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    client.force_login(clerk)
    response = client.get(URL)
    assert response.status_code == 404 and "狗证" not in response.content.decode()
    assert 'id="nav-search-misses"' not in client.get("/workbench/").content.decode()
    client.force_login(citizen)
    assert client.get(URL).status_code == 403


def test_week_of_is_the_monday():
    assert {week_of(WEEK + dt.timedelta(days=d)) for d in range(7)} == {WEEK}
    assert week_of(WEEK - dt.timedelta(days=1)) == WEEK - dt.timedelta(days=7)


def test_a_full_week_counts_the_queries_it_has_and_keeps_no_new_ones(monday, monkeypatch):
    monkeypatch.setattr("yiwang.catalog.services.misses.WEEK_ROWS_MAX", 2)
    for query in ("办居住证", "狗证", "离婚"):
        search_miss_record(query=query, outcome="none")
    search_miss_record(query="狗证", outcome="none")
    assert dict(SearchMiss.objects.values_list("query", "count")) == {"办居住证": 1, "狗证": 2}

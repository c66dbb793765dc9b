"""The 政务公开 pages, as anyone opens them without signing in: 双公示 search and detail, the credit lists, the
权责清单; each linked from the home page and the footer, each list in a bounded number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from yiwang.credit.services import credit_record_add, credit_record_repair
from yiwang.licences.models import Licence
from yiwang.licences.services import licence_revoke
from yiwang.org.models import Department
from yiwang.publicity.models import Publication

D = dt.date


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def decisions(fine, doctor_case, food_case, restaurant):
    """Four published decisions: a person's registration, the restaurant's food permit, two fines."""
    fine()
    fine(number="海综执罚〔2026〕102号", decided_on=D(2026, 9, 30), entity=restaurant)
    return {
        "doctor": Publication.objects.get(case=doctor_case),
        "food": Publication.objects.get(case=food_case),
        "fine": Publication.objects.get(decision_number="海综执罚〔2026〕101号"),
        "late": Publication.objects.get(decision_number="海综执罚〔2026〕102号"),
    }


@pytest.mark.django_db
def test_the_home_page_and_the_footer_link_the_three_pages(client):
    page = html(client, "/")
    for name in ("portal:publications", "portal:credit_lists", "portal:powers"):
        assert page.count(f'href="{reverse(name)}"') >= 2, name  # the home's section and the footer
    index = html(client, reverse("portal:publicity"))
    assert "双公示" in index and "信用名单查询" in index and "权责清单" in index


def test_the_public_lists_every_decision_masked_newest_first(client, decisions, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = html(client, reverse("portal:publications"))
    assert "共 4 条" in page
    assert "张*" in page and "4401**********1239" in page
    assert "张三" not in page and "440105199001011239" not in page
    assert decisions["food"].licence_number in page and decisions["fine"].decision_number in page
    assert page.index(decisions["fine"].decision_number) < page.index(decisions["late"].decision_number)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "penalty"}, {"fine", "late"}),
        ({"kind": "licence"}, {"doctor", "food"}),
        ({"holder": "味道餐饮"}, {"food", "late"}),
        ({"code": "91440105ma59abcd17"}, {"food", "late"}),
        ({"number": "海综执罚〔2026〕101号"}, {"fine"}),
        ({"item": "医师"}, {"doctor"}),
        ({"decided_from": "2026-11-01", "decided_to": "2026-11-21"}, {"fine"}),
        ({"decided_to": "2026-10-01"}, {"late"}),
    ],
)
def test_the_search_narrows_by_each_field(client, decisions, query, expected):
    page = html(client, reverse("portal:publications") + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
    shown = {key for key, p in decisions.items() if f'data-publication="{p.pk}"' in page}
    assert shown == expected


def test_the_search_by_department_and_by_licence_number(client, decisions):
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    page = html(client, reverse("portal:publications") + f"?department={samr.code}")
    assert (
        f'data-publication="{decisions["food"].pk}"' in page
        and f'data-publication="{decisions["fine"].pk}"' not in page
    )
    page = html(client, reverse("portal:publications") + f"?number={decisions['food'].licence_number}")
    assert "共 1 条" in page


def test_a_wrong_date_is_named_and_the_other_fields_still_apply(client, decisions):
    page = html(client, reverse("portal:publications") + "?kind=penalty&decided_from=2026-13-40")
    assert 'id="decided_from-errors"' in page
    assert "共 2 条" in page


def test_the_list_pages_twenty_at_a_time(client, fine, django_assert_max_num_queries):
    for n in range(23):
        fine(number=f"海综执罚〔2026〕{200 + n}号")
    page = html(client, reverse("portal:publications") + "?kind=penalty")
    assert page.count("data-publication=") == 20 and "第 1 / 2 页" in page
    assert "?kind=penalty&amp;page=2" in page
    with django_assert_max_num_queries(3):
        page = html(client, reverse("portal:publications") + "?kind=penalty&page=2")
    assert page.count("data-publication=") == 3


def test_a_publication_shows_the_decision_and_the_licences_revocation(client, decisions, samr_reviewer):
    food = decisions["food"]
    page = html(client, reverse("portal:publication", args=[food.pk]))
    assert "食品经营许可（新办）" in page and food.licence_number in page
    assert 'data-status="valid"' in page
    licence_revoke(actor=samr_reviewer, licence=Licence.objects.get(pk=food.licence_id), reason="以欺骗手段取得许可")
    page = html(client, reverse("portal:publication", args=[food.pk]))
    assert 'data-status="revoked"' in page and "已吊销" in page and "以欺骗手段取得许可" in page


def test_a_publication_shows_a_person_masked_and_a_late_one_as_late(client, decisions):
    page = html(client, reverse("portal:publication", args=[decisions["doctor"].pk]))
    assert '<td id="holder-name">张*</td>' in page and "440105199001011239" not in page
    assert "超期公示" not in page
    page = html(client, reverse("portal:publication", args=[decisions["late"].pk]))
    assert "超期公示" in page and "2026-10-15" in page
    assert "处罚依据" in page and "《城市道路管理条例》" in page


@pytest.mark.django_db
def test_an_unknown_publication_is_not_found(client):
    html(client, reverse("portal:publication", args=[999999]), status=404)


def test_the_credit_lists_show_records_in_force_with_basis_and_repair(
    client, monday, restaurant, new_shop, fine, samr_head, django_assert_max_num_queries
):
    fine()  # the new shop: abnormal-operation list
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    red = credit_record_add(
        actor=None,
        entity=restaurant,
        list_kind="red",
        department=samr,
        basis="《广东省社会信用条例》",
        reason="纳税信用 A 级",
        starts_on=D(2026, 11, 1),
    )
    serious = credit_record_add(
        actor=None,
        entity=restaurant,
        list_kind="serious",
        department=samr,
        basis="《市场监督管理严重违法失信名单管理办法》",
        reason="销售假冒伪劣食品，情节严重",
        starts_on=D(2026, 6, 1),
        ends_on=D(2029, 6, 1),
    )
    repaired = credit_record_add(
        actor=None,
        entity=restaurant,
        list_kind="abnormal",
        department=samr,
        basis="《企业信息公示暂行条例》",
        reason="未按时报送年度报告",
        starts_on=D(2026, 7, 1),
    )
    credit_record_repair(actor=samr_head, record=repaired, reason="已补报年度报告")
    with django_assert_max_num_queries(2):
        page = html(client, reverse("portal:credit_lists"))
    assert "共 3 条" in page
    assert f'data-record="{repaired.pk}"' not in page  # repaired: no longer published
    assert new_shop.uscc in page and "擅自占用" not in page  # the list's reason, not the penalty's facts
    assert "2027-06-01 起可申请提前移出" in page  # a year on the serious list
    assert "《市场监督管理信用修复管理办法》" in page and "守信激励名单，不涉及信用修复" in page
    page = html(client, reverse("portal:credit_lists") + "?list_kind=serious")
    assert f'data-record="{serious.pk}"' in page and f'data-record="{red.pk}"' not in page
    page = html(client, reverse("portal:credit_lists") + f"?q={new_shop.uscc.lower()}")
    assert "共 1 条" in page
    page = html(client, reverse("portal:credit_lists") + "?q=味道")
    assert "共 2 条" in page
    # Nothing of persons: the legal representative's identity number is the register's, never the list's.
    assert restaurant.legal_representative_id_number not in page


@pytest.mark.django_db
def test_the_power_lists_index_departments_by_region(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page = html(client, reverse("portal:powers"))
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    assert reverse("portal:power_list", args=[samr.code]) in page
    assert page.index('id="region-440100"') < page.index('id="region-440105"')


@pytest.mark.django_db
def test_a_departments_power_list_gives_items_by_kind_with_basis_level_and_duties(
    client, django_assert_max_num_queries
):
    samr = Department.objects.get(region__code="440105", kind="SAMR")
    with django_assert_max_num_queries(2):
        page = html(client, reverse("portal:power_list", args=[samr.code]))
    assert page.index('id="kind-licensing"') < page.index('id="kind-confirmation"')
    assert 'data-item="R005"' in page and "《中华人民共和国食品安全法》第三十五条" in page
    assert "区/县级" in page and "10 / 5" in page  # 食品经营许可（新办）: 10 statutory, 5 promised working days
    assert "受理责任" in page and "事后监管责任" in page
    assert "《中华人民共和国行政许可法》第七十二条至第七十七条" in page
    html(client, reverse("portal:power_list", args=["NO-SUCH-DEPT"]), status=404)

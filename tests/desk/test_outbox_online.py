"""一窗出件 for online applications: a case whose applicant chose to collect at a hall is handed over there."""

from django.urls import reverse

from tests.cases.test_delivery import decide, submit
from yiwang.cases.models import Case
from yiwang.ratings.services import rating_submit


def test_the_outbox_lists_an_online_pickup_at_the_chosen_hall_and_hands_it_over(
    monday,
    client,
    clerk,
    tianhe_clerk,
    enterprise_agent,
    restaurant,
    food_permit,
    hall,
    django_assert_max_num_queries,
):
    pickup = decide(submit(enterprise_agent, restaurant, food_permit, method="window", pickup_center=hall), clerk=clerk)
    decide(submit(enterprise_agent, restaurant, food_permit, key="online"), clerk=clerk)  # 电子送达: not here

    client.force_login(tianhe_clerk)
    assert list(client.get(reverse("desk:outbox")).context["cases"]) == []

    client.force_login(clerk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("desk:outbox"))
    assert list(response.context["cases"]) == [pickup]
    page = response.content.decode()
    assert "领取地点：海珠区政务服务中心" in page and "网上申报" in page and str(pickup.delivery_due) in page

    assert client.post(reverse("desk:deliver", args=[pickup.number])).status_code == 302
    pickup.refresh_from_db()
    assert pickup.status == Case.Status.DELIVERED and pickup.delivery_method == Case.Delivery.WINDOW
    assert list(client.get(reverse("desk:outbox")).context["cases"]) == []
    assert rating_submit(actor=enterprise_agent, case=pickup, score=5).score == 5

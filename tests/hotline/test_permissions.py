"""Who sees and acts on which work order: a department only the orders sent to it, the centre its district's,
and a confidential caller is 保密 to every department."""

import pytest

from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict
from yiwang.hotline import selectors, services
from yiwang.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_a_housing_liaison_neither_sees_nor_acts_on_an_urban_order(dispatched, housing_liaison, client):
    assert not restrict(WorkOrder.objects.all(), housing_liaison, "hotline_view").exists()
    with pytest.raises(NotFound):
        selectors.order_for(housing_liaison, dispatched.number)
    for act in (
        lambda: services.order_sign(actor=housing_liaison, order=dispatched),
        lambda: services.order_return(actor=housing_liaison, order=dispatched, reason="不是我们的"),
        lambda: services.order_reply(actor=housing_liaison, order=dispatched, reply="x", outcome="solved"),
    ):
        with pytest.raises(NotFound):
            act()
    client.force_login(housing_liaison)
    assert client.get(f"/workbench/hotline/orders/{dispatched.number}/").status_code == 404
    assert client.post(f"/workbench/hotline/orders/{dispatched.number}/sign/").status_code == 404
    assert dispatched.number not in client.get("/workbench/hotline/inbox/").content.decode()


def test_a_liaison_cannot_do_the_centres_work(dispatched, urban_liaison, urban):
    with pytest.raises(NotFound):
        services.order_close(actor=urban_liaison, order=dispatched, note="自行办结")
    with pytest.raises(NotFound):
        services.order_take(
            actor=urban_liaison,
            region=dispatched.region,
            kind="complaint",
            category="CITY-01",
            description="x",
            caller_phone="13800138000",
        )


def test_another_districts_centre_sees_nothing(dispatched, tianhe_reviewer):
    assert not restrict(WorkOrder.objects.all(), tianhe_reviewer, "hotline_view").exists()


def test_a_confidential_caller_is_hidden_from_the_department(take, operator, urban, urban_liaison, client, monday):
    order = take(confidential=True, caller_id_number="11010519491231002X")
    services.order_dispatch(actor=operator, order=order, lead=urban, handling="surge")
    seen = selectors.order_for(urban_liaison, order.number)
    assert seen.caller.hidden and seen.caller.name == "保密" and seen.caller.phone == "保密"
    assert selectors.order_for(operator, order.number).caller.phone == "13800138000"
    client.force_login(urban_liaison)
    page = client.get(f"/workbench/hotline/orders/{order.number}/").content.decode()
    assert "保密" in page and "李四" not in page and "13800138000" not in page and "002X" not in page
    inbox = client.get("/workbench/hotline/inbox/").content.decode()
    assert order.number in inbox and "李四" not in inbox and "13800138000" not in inbox


def test_a_plain_caller_is_shown_to_the_department_with_the_identity_number_masked(
    take, operator, urban, urban_liaison, monday
):
    order = take(caller_id_number="11010519491231002X")
    services.order_dispatch(actor=operator, order=order, lead=urban, handling="surge")
    seen = selectors.order_for(urban_liaison, order.number)
    assert seen.caller.name == "李四" and seen.caller.id_number == "1101**********002X"

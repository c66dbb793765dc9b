"""派单规则 (hotline.routing) and the street offices they send to; the limit on 退单 and the 指定派单 past it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from yiwang.accounts.models import User
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.grid.models import GridCell
from yiwang.hotline import report, routing, selectors, services
from yiwang.hotline.models import Assignment, Category, RoutingRule, WorkOrder
from yiwang.org.models import Department, StaffRole

STREET = RoutingRule.Target.STREET
DISTRICT = RoutingRule.Target.DISTRICT


@pytest.fixture
def nanzhou_cells(db):
    """Two cells of 南洲街道 (the first in different communities when it can)."""
    return list(GridCell.objects.filter(code__startswith="440105001").order_by("code")[:2])


@pytest.fixture
def jiangnan_cell(db):
    return GridCell.objects.filter(code__startswith="440105002").order_by("code").first()


@pytest.fixture
def nanzhou_office(haizhu):
    return Department.objects.get(region__code="440105001", kind=Department.STREET_OFFICE)


@pytest.fixture
def street_liaison(db):
    return User.objects.get(username="hz-nanzhou-liaison")


@pytest.fixture
def no_rules(db):
    RoutingRule.objects.all().delete()


def placed(haizhu, code: str, cell: GridCell | None = None) -> WorkOrder:
    """An order not yet saved, as the rules see it: its category, district and grid cell."""
    return WorkOrder(category=Category.objects.get(code=code), region=haizhu, grid_cell_code=cell.code if cell else "")


def rule(code: str, area: str = "", *, to: str, priority: int = 0, active: bool = True) -> RoutingRule:
    street = to == "street"
    return RoutingRule.objects.create(
        category=Category.objects.get(code=code),
        area_prefix=area,
        target=STREET if street else DISTRICT,
        department_kind="" if street else to,
        priority=priority,
        active=active,
    )


def kind_of(department: Department | None) -> str:
    return department.kind if department else ""


# The street offices and their liaison.


def test_every_street_of_the_district_has_its_office(haizhu):
    streets = haizhu.children.filter(level="town")
    offices = Department.objects.filter(kind=Department.STREET_OFFICE, region__parent=haizhu)
    assert streets.count() >= 18 and offices.count() == streets.count()
    office = offices.get(region__code="440105001")
    assert (office.name, str(office), office.code) == ("南洲街道办事处", "南洲街道办事处", "440105001-STREET")
    # The district's own departments keep their kinds; none of them is a street office.
    assert not Department.objects.filter(region=haizhu, kind=Department.STREET_OFFICE).exists()


def test_the_street_liaison_reaches_the_district_for_their_office_only(street_liaison, nanzhou_office, haizhu):
    role = StaffRole.objects.get(user=street_liaison)
    assert (role.role, role.department, role.region) == ("liaison", nanzhou_office, haizhu)
    role.full_clean()  # a street office's liaison may reach the district its orders are filed under
    clerk = StaffRole(user=street_liaison, role="clerk", department=nanzhou_office, region=haizhu)
    with pytest.raises(ValidationError, match="管辖范围"):
        clerk.full_clean()  # any other role stays within the street


# Precedence.


def test_with_no_rule_the_category_kind_at_the_district_is_proposed(no_rules, haizhu, nanzhou_cells):
    assert kind_of(routing.proposed_department(placed(haizhu, "MARKET-01"))) == "SAMR"
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-04", nanzhou_cells[0]))) == "URBAN"
    assert routing.winning_rule(placed(haizhu, "CITY-04", nanzhou_cells[0])) is None


def test_a_cell_prefix_beats_a_street_beats_the_district(
    no_rules, haizhu, nanzhou_cells, jiangnan_cell, nanzhou_office
):
    first, second = nanzhou_cells
    rule("CITY-03", to="HOUSING")
    rule("CITY-03", "440105001", to="street")
    rule("CITY-03", first.code, to="ECO")
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", first))) == "ECO"
    assert routing.proposed_department(placed(haizhu, "CITY-03", second)) == nanzhou_office
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", jiangnan_cell))) == "HOUSING"
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03"))) == "HOUSING"  # not located


def test_the_leaf_beats_its_parent_but_a_narrower_area_beats_both(no_rules, haizhu, nanzhou_cells, jiangnan_cell):
    rule("CITY", to="HOUSING")
    rule("CITY-03", to="PSB")
    rule("CITY", "440105001", to="ECO")
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", jiangnan_cell))) == "PSB"
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-05", jiangnan_cell))) == "HOUSING"
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", nanzhou_cells[0]))) == "ECO"


def test_priority_decides_between_equal_rules_and_inactive_rules_are_ignored(no_rules, haizhu, jiangnan_cell):
    rule("CITY-03", to="PSB", priority=1)
    rule("CITY-03", to="ECO", priority=5, active=False)
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", jiangnan_cell))) == "PSB"
    rule("CITY-03", to="HOUSING", priority=3)
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", jiangnan_cell))) == "HOUSING"
    RoutingRule.objects.update(active=False)
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-03", jiangnan_cell))) == "URBAN"


def test_a_street_rule_needs_a_located_order(no_rules, haizhu, nanzhou_cells, nanzhou_office):
    rule("CITY-01", to="street")
    assert routing.proposed_department(placed(haizhu, "CITY-01", nanzhou_cells[0])) == nanzhou_office
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-01"))) == "URBAN"


def test_a_rule_costs_two_queries(haizhu, nanzhou_cells, nanzhou_office, django_assert_num_queries):
    order = placed(haizhu, "CITY-04", nanzhou_cells[0])
    with django_assert_num_queries(2):
        assert routing.proposed_department(order) == nanzhou_office


def test_the_shipped_rules(haizhu, nanzhou_cells, jiangnan_cell, nanzhou_office):
    jiangnan_office = Department.objects.get(region__code="440105002", kind=Department.STREET_OFFICE)
    assert routing.proposed_department(placed(haizhu, "CITY-04", nanzhou_cells[0])) == nanzhou_office
    assert kind_of(routing.proposed_department(placed(haizhu, "CITY-04", jiangnan_cell))) == "URBAN"
    assert routing.proposed_department(placed(haizhu, "CITY-01", jiangnan_cell)) == jiangnan_office
    assert routing.proposed_department(placed(haizhu, "CITY-02", nanzhou_cells[0])) == nanzhou_office
    assert kind_of(routing.proposed_department(placed(haizhu, "NOISE-01", jiangnan_cell))) == "URBAN"
    assert kind_of(routing.proposed_department(placed(haizhu, "NOISE-02", jiangnan_cell))) == "PSB"


def test_a_rule_names_a_real_kind_or_the_street(haizhu):
    bad = RoutingRule(category=Category.objects.get(code="CITY-03"), target=DISTRICT, department_kind="NOPE")
    with pytest.raises(ValidationError, match="没有这一类别的部门"):
        bad.full_clean()
    bad = RoutingRule(category=Category.objects.get(code="CITY-03"), area_prefix="南洲", target=STREET)
    with pytest.raises(ValidationError, match="区域编码前缀"):
        bad.full_clean()


# A 违章搭建 in 南洲街道, from the call to the street office's answer.


@pytest.fixture
def illegal_building(take, nanzhou_cells, monday):
    cell = nanzhou_cells[0]
    return take(
        category="CITY-04",
        description="南洲路城中村有人在楼顶加建铁皮房，已经搭了两层。",
        longitude=cell.centroid_lon,
        latitude=cell.centroid_lat,
    )


def test_the_street_office_signs_and_answers_through_the_pages(
    client, illegal_building, operator, street_liaison, nanzhou_office, nanzhou_cells
):
    order = illegal_building
    assert order.grid_cell_code == nanzhou_cells[0].code
    url = f"/workbench/hotline/orders/{order.number}/"
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert f'<option value="{nanzhou_office.pk}" selected>南洲街道办事处</option>' in page
    assert client.post(url + "dispatch/", {"lead": nanzhou_office.pk, "handling": "seasonal"}).status_code == 302
    assert Assignment.objects.get(order=order).department == nanzhou_office

    client.force_login(street_liaison)
    assert order.number in client.get("/workbench/hotline/inbox/").content.decode()
    page = client.get(url).content.decode()
    assert 'id="sign-form"' in page and 'id="return-form"' in page
    assert client.post(url + "sign/").status_code == 302
    response = client.post(url + "reply/", {"reply": "已联合城管拆除楼顶加建部分", "outcome": "solved"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.REPLIED
    assert order.assignments.get().reply == "已联合城管拆除楼顶加建部分"


def test_the_street_liaison_sees_only_their_offices_orders(client, dispatched, street_liaison):
    client.force_login(street_liaison)
    assert client.get(f"/workbench/hotline/orders/{dispatched.number}/").status_code == 404
    with pytest.raises(NotFound):  # the same as a missing order
        services.order_sign(actor=street_liaison, order=dispatched)
    assert WorkOrder.objects.get(pk=dispatched.pk).status == WorkOrder.Status.DISPATCHED


def test_a_department_of_another_district_is_still_refused(take, operator, monday):
    tianhe_office = Department.objects.filter(kind="URBAN", region__code="440106").first()
    order = take()
    with pytest.raises(ValidationFailed) as refused:
        services.order_dispatch(actor=operator, order=order, lead=tianhe_office, handling="rectification")
    assert "lead" in refused.value.fields


# The limit on 退单.


def _bounce(dispatched, operator, urban, urban_liaison, housing, housing_liaison) -> WorkOrder:
    """Returned by 城管, re-dispatched to 住建, returned by 住建, re-dispatched to 城管: two returns."""
    services.order_return(actor=urban_liaison, order=dispatched, reason="属物业管理")
    services.order_redispatch(actor=operator, order=dispatched, lead=housing)
    services.order_return(actor=housing_liaison, order=dispatched, reason="属占道经营")
    return dispatched


def test_past_the_limit_the_dispatch_is_designated_and_no_return_is_allowed(
    dispatched, operator, urban, urban_liaison, housing, housing_liaison, settings
):
    assert settings.HOTLINE_RETURN_LIMIT == 2
    order = _bounce(dispatched, operator, urban, urban_liaison, housing, housing_liaison)
    assert routing.returns_exhausted(WorkOrder.objects.get(pk=order.pk))
    services.order_redispatch(actor=operator, order=order, lead=urban)
    with pytest.raises(InvalidTransition) as refused:
        services.order_return(actor=urban_liaison, order=order, reason="还是物业的事")
    assert refused.value.subcode == "return_limit" and "退单上限" in refused.value.message
    order = WorkOrder.objects.get(pk=order.pk)
    assert (order.status, order.returned_count) == (WorkOrder.Status.DISPATCHED, 2)
    assert order.assignments.get(status=Assignment.Status.DISPATCHED).department == urban
    services.order_sign(actor=urban_liaison, order=order)  # it must be handled


def test_the_limit_is_a_setting(dispatched, operator, urban_liaison, housing, housing_liaison, settings):
    settings.HOTLINE_RETURN_LIMIT = 1
    services.order_return(actor=urban_liaison, order=dispatched, reason="属物业管理")
    services.order_redispatch(actor=operator, order=dispatched, lead=housing)
    with pytest.raises(InvalidTransition) as refused:
        services.order_return(actor=housing_liaison, order=dispatched, reason="不是我们的")
    assert refused.value.subcode == "return_limit"


def test_the_pages_say_designated_and_hide_the_return(
    client, dispatched, operator, urban, urban_liaison, housing, housing_liaison
):
    order = _bounce(dispatched, operator, urban, urban_liaison, housing, housing_liaison)
    url = f"/workbench/hotline/orders/{order.number}/"
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert "指定派单" in page and 'id="designated"' in page
    assert client.post(url + "dispatch/", {"lead": urban.pk}).status_code == 302

    client.force_login(urban_liaison)
    page = client.get(url).content.decode()
    assert 'id="sign-form"' in page and 'id="return-form"' not in page
    assert "已退单 2 次（上限 2 次）" in page and "指定派单" in page
    response = client.post(url + "return/", {"reason": "非本部门职责"})
    assert response.status_code == 409 and "达到退单上限" in response.content.decode()
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.DISPATCHED


def test_before_the_limit_the_pages_offer_the_return(client, dispatched, operator, urban_liaison):
    client.force_login(operator)
    assert "指定派单" not in client.get(f"/workbench/hotline/orders/{dispatched.number}/").content.decode()
    client.force_login(urban_liaison)
    assert 'id="return-form"' in client.get(f"/workbench/hotline/orders/{dispatched.number}/").content.decode()


def test_a_return_counts_against_the_office_that_returned_it(
    illegal_building, operator, street_liaison, urban, nanzhou_office, haizhu
):
    order = services.order_dispatch(actor=operator, order=illegal_building, lead=nanzhou_office, handling="surge")
    services.order_return(actor=street_liaison, order=order, reason="属区城管执法范围")
    services.order_redispatch(actor=operator, order=order, lead=urban)
    computed = report.monthly_report(region=haizhu, month=dt.date(2026, 11, 1), actor=operator)
    rows = {r["name"]: r for r in computed.data["departments"]}
    office, city = rows["南洲街道办事处"], rows[urban.name]
    assert (office["dispatched"], office["returned"], office["return_rate"]["text"]) == (1, 1, "100.0%")
    assert (city["dispatched"], city["returned"], city["return_rate"]["text"]) == (1, 0, "0.0%")


def test_the_dispatch_list_offers_the_street_offices_after_the_district(illegal_building, haizhu):
    departments = list(selectors.departments_of(illegal_building))
    kinds = [d.kind for d in departments]
    assert kinds.index(Department.STREET_OFFICE) > kinds.index("URBAN")
    assert all(d.region == haizhu or d.region.parent == haizhu for d in departments)
    assert sum(d.kind == Department.STREET_OFFICE for d in departments) == haizhu.children.count()


def test_rules_are_kept_in_the_admin(client, superuser):
    client.force_login(superuser)
    listed = client.get("/admin/hotline/routingrule/").content.decode()
    assert "违章搭建" in listed and "440105001" in listed
    category = Category.objects.get(code="HOUSE-01")
    form = {"category": category.pk, "area_prefix": "440105002", "target": "street", "priority": "0", "active": "on"}
    assert client.post("/admin/hotline/routingrule/add/", form).status_code == 302
    assert RoutingRule.objects.filter(category=category, area_prefix="440105002", target=STREET).exists()
    refused = client.post("/admin/hotline/routingrule/add/", {**form, "target": "district", "area_prefix": ""})
    assert refused.status_code == 200 and "派往区级部门时须填写部门类别" in refused.content.decode()
    offices = client.get("/admin/org/department/?kind=STREET").content.decode()
    assert "南洲街道办事处" in offices and "海珠区城市管理和综合执法局" not in offices

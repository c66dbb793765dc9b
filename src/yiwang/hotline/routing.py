"""派单规则 and the limit on 退单: which department the centre is offered for an order at dispatch, and when an order
has been returned so often that the centre's dispatch becomes 指定派单 (the department must take it).

A rule (RoutingRule) names a category, an area and a target. The area is compared with the start of the order's
grid cell code, which begins with its street's and community's codes, so one field holds a street (440105001),
a community (440105001001) or a cell (440105001001-001); blank is the whole district. A rule on a parent category
applies to its leaves. The most specific matching rule wins: the longest area, then the leaf's rule over its
parent's, then the higher priority. A rule sending to "the street office of the area" needs a located order.
With no rule, the category's own department kind at the district, as before rules existed."""

from importlib import resources

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from yiwang.org.models import Department

from .models import Category, RoutingRule, WorkOrder


def _default_kind(category: Category) -> str:
    return category.department_kind or (category.parent.department_kind if category.parent_id else "")


def _rank(rule: RoutingRule, order: WorkOrder) -> tuple:
    # Ties past priority go to the older rule, so the answer never depends on the database's row order.
    return (len(rule.area_prefix), rule.category_id == order.category_id, rule.priority, -rule.pk)


def winning_rule(order: WorkOrder) -> RoutingRule | None:
    """The most specific active rule for the order's category and place; None when none matches. One query."""
    located = bool(order.grid_cell_code)
    place = order.grid_cell_code or order.region.code
    categories = [order.category_id] + ([order.category.parent_id] if order.category.parent_id else [])
    matching = [
        rule
        for rule in RoutingRule.objects.filter(active=True, category_id__in=categories)
        if place.startswith(rule.area_prefix) and (located or rule.target != RoutingRule.Target.STREET)
    ]
    return max(matching, key=lambda rule: _rank(rule, order), default=None)


def street_office(order: WorkOrder) -> Department | None:
    """The 街道办事处 of the street the order's grid cell lies in (cell → community → street)."""
    if not order.grid_cell_code:
        return None
    return (
        Department.objects.filter(
            kind=Department.STREET_OFFICE,
            region__parent_id=order.region_id,
            region__children__grid_cells__code=order.grid_cell_code,
        )
        .select_related("region")
        .first()
    )


def proposed_department(order: WorkOrder) -> Department | None:
    """The department the rules send the order to; two queries (the rules, the department)."""
    rule = winning_rule(order)
    if rule is not None and rule.target == RoutingRule.Target.STREET:
        office = street_office(order)
        if office is not None:
            return office
    kind = rule.department_kind if rule is not None and rule.department_kind else _default_kind(order.category)
    return Department.objects.filter(region_id=order.region_id, kind=kind).select_related("region").first()


def return_limit() -> int:
    """How many times in all an order may be returned (HOTLINE_RETURN_LIMIT)."""
    return settings.HOTLINE_RETURN_LIMIT


def returns_exhausted(order: WorkOrder) -> bool:
    """Returned as often as allowed: the centre's next dispatch is 指定派单 and no department may return it."""
    return order.returned_count >= return_limit()


def _read() -> list[dict]:
    text = resources.files("yiwang.hotline").joinpath("data/routing.yaml").read_text("utf-8")
    return yaml.safe_load(text) or []


@transaction.atomic
def load_routing_rules() -> int:
    """The shipped rules (data/routing.yaml); loading again updates each in place, keyed by its category, area
    and priority, and leaves a rule switched off in the admin switched off."""
    categories = dict(Category.objects.values_list("code", "pk"))
    rows = _read()
    for row in rows:
        to = row["to"]
        street = to == "street"
        RoutingRule.objects.update_or_create(
            category_id=categories[row["category"]],
            area_prefix=str(row.get("area", "")),
            priority=row.get("priority", 0),
            defaults={
                "target": RoutingRule.Target.STREET if street else RoutingRule.Target.DISTRICT,
                "department_kind": "" if street else to,
            },
        )
    return len(rows)


def dispatchable(order: WorkOrder) -> Q:
    """Whom an order may be sent to: its district's departments and the offices of the district's streets."""
    return Q(region_id=order.region_id) | Q(kind=Department.STREET_OFFICE, region__parent_id=order.region_id)


def serves(order: WorkOrder, department: Department) -> bool:
    """dispatchable(), for a department in hand."""
    if department.region_id == order.region_id:
        return True
    return department.kind == Department.STREET_OFFICE and department.region.parent_id == order.region_id

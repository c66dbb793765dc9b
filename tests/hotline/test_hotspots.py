"""老大难 hotspots kept as records (issue #12): found by detection among generated orders whose repeats are known, kept
when they grow and never doubled by running again; opened by a dispatch as 老大难; given an owner, a deadline and
a plan by the centre, resolved once the plan is done; read by those who may, through services and pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.accounts.models import User
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.grid.models import GridCell
from yiwang.hotline import repeats, selectors, services
from yiwang.hotline.models import Category, Hotspot, HotspotMilestone, WorkOrder
from yiwang.hotline.synthetic import generate
from yiwang.hotline.tasks import hotspot_detection
from yiwang.org.models import Department, Region

pytestmark = pytest.mark.django_db

STALL = "宝业路 88 号门口每天早上有水果摊占道经营，行人只能走机动车道，请城管处理。"


@pytest.fixture
def cell(db):
    return GridCell.objects.order_by("code").first()


@pytest.fixture
def here(cell):
    return {"longitude": cell.centroid_lon, "latitude": cell.centroid_lat, "address": "宝业路 88 号"}


@pytest.fixture
def grid_worker(db):
    return User.objects.get(username="hz-grid-worker")


def _insert(reports, region: Region) -> dict:
    """Work orders for generated reports, as intake stores them (their words included), received when the report
    says; report key -> order pk."""
    categories = {}
    for report in reports:
        if report.category not in categories:
            categories[report.category], _ = Category.objects.get_or_create(
                code=report.category, defaults={"name": report.category.split(".")[1]}
            )
    pks = {}
    for report in reports:
        order = WorkOrder.objects.create(
            number=f"T-{report.key:05d}",
            query_code="000000",
            channel=WorkOrder.Channel.PHONE,
            kind=WorkOrder.Kind.COMPLAINT,
            category=categories[report.category],
            region=region,
            title=report.text[:30],
            description=report.text,
            address=report.address,
            longitude=round(report.longitude, 6),
            latitude=round(report.latitude, 6),
            terms=repeats.terms_of(report.text, report.address),
        )
        WorkOrder.objects.filter(pk=order.pk).update(created_at=report.received_at)
        pks[report.key] = order.pk
    return pks


def _linked() -> set[frozenset]:
    return {frozenset(spot.orders.values_list("pk", flat=True)) for spot in Hotspot.objects.all()}


def test_detection_on_generated_orders_keeps_exactly_the_expected_hotspots_and_is_idempotent(haizhu, monday):
    assert not WorkOrder.objects.filter(region=haizhu).exists()
    now = dt.datetime.now(dt.UTC)
    reports, truth = generate(problems=80, seed=6, start=now - dt.timedelta(days=85))
    # Coordinates as stored (six decimals), so the expectation compares what detection reads.
    reports = [
        repeats.Report(r.key, r.category, round(r.longitude, 6), round(r.latitude, 6), r.text, r.received_at, r.address)
        for r in reports
    ]
    pks = _insert(reports, haizhu)
    # Expected: the groups repeat detection finds (hotline.repeats, tested on its own), which here are nearly all
    # exactly one generated problem reported three times or more, with all its reports.
    expected = {frozenset(pks[key] for key in spot.keys) for spot in repeats.hotspots(reports)}
    problems: dict[int, set] = {}
    for report, problem in zip(reports, truth, strict=True):
        problems.setdefault(problem, set()).add(pks[report.key])
    chronic = [frozenset(members) for members in problems.values() if len(members) >= 3]
    assert len(set(chronic) & expected) >= 0.9 * len(chronic) and len(chronic) >= 30

    assert services.hotspots_detect() == {"opened": len(expected), "joined": 0}
    assert _linked() == expected
    spots = Hotspot.objects.all()
    assert {s.status for s in spots} == {Hotspot.Status.OPEN} and all(s.department_id is None for s in spots)
    assert all(s.region_id == haizhu.pk and s.longitude is not None for s in spots)
    assert AuditEntry.objects.filter(action="hotline.hotspot_open").count() == len(expected)

    # Running again finds the same groups, all kept: nothing is opened, joined or moved.
    assert services.hotspots_detect() == {"opened": 0, "joined": 0}
    assert _linked() == expected and Hotspot.objects.count() == len(expected)

    # The problem of the largest hotspot comes back: the new order joins it, and the hotspot keeps its record.
    largest = max(spots, key=lambda s: s.orders.count())
    model = largest.orders.order_by("created_at").first()
    again = WorkOrder.objects.create(
        number="T-again",
        query_code="000000",
        channel=WorkOrder.Channel.PHONE,
        kind=WorkOrder.Kind.COMPLAINT,
        category=model.category,
        region=haizhu,
        title="again",
        description=model.description,
        address=model.address,
        longitude=model.longitude,
        latitude=model.latitude,
        terms=model.terms,
    )
    assert services.hotspots_detect() == {"opened": 0, "joined": 1}
    again.refresh_from_db()
    assert again.hotspot_id == largest.pk and Hotspot.objects.count() == len(expected)


def test_a_resolved_hotspot_takes_no_new_orders_and_a_pair_waits_for_its_third(take, here, operator, monday):
    first = [take(description=STALL, **here) for _ in range(2)]
    assert services.hotspots_detect() == {"opened": 0, "joined": 0}  # two reports are a repeat, not yet a hotspot
    third = take(description=STALL, **here)
    assert services.hotspots_detect() == {"opened": 1, "joined": 0}
    spot = Hotspot.objects.get()
    assert set(spot.orders.all()) == {*first, third} and spot.address == "宝业路 88 号"
    services.hotspot_resolve(actor=operator, hotspot=spot, resolution="已取缔")
    monday.shift(dt.timedelta(days=1))
    fourth = take(description=STALL, **here)
    assert services.hotspots_detect() == {"opened": 0, "joined": 0}
    fourth.refresh_from_db()
    assert fourth.hotspot_id is None
    # Back three times after it was resolved: a new hotspot, the old one's orders staying with it.
    [take(description=STALL, **here) for _ in range(2)]
    assert services.hotspots_detect() == {"opened": 1, "joined": 0}
    assert Hotspot.objects.filter(status=Hotspot.Status.OPEN).get().orders.count() == 3
    assert spot.orders.count() == 3


def test_the_sweep_detects_after_new_located_orders_or_an_hour_after_its_last_run(take, here, monday):
    # Taken before the others but placed only later, like an order committed after one with a higher pk: below
    # the sweep's order mark, so only the hourly run finds it.
    late = take(description=STALL, address=here["address"])
    first = [take(description=STALL, **here) for _ in range(3)]
    assert hotspot_detection.call() == {"opened": 1, "joined": 0}
    spot = Hotspot.objects.get()
    assert set(spot.orders.all()) == set(first)
    WorkOrder.objects.filter(pk=late.pk).update(longitude=here["longitude"], latitude=here["latitude"])

    # Within the hour and no new located order: the sweep does not detect, so the placed order waits.
    monday.shift(dt.timedelta(minutes=59))
    take(description="路灯不亮", address=here["address"])  # a new order, but without a place
    assert hotspot_detection.call() is None
    late.refresh_from_db()
    assert late.hotspot_id is None

    # A new located order: the next sweep detects, and finds the waiting one too.
    fourth = take(description=STALL, **here)
    assert hotspot_detection.call() == {"opened": 0, "joined": 2}
    assert set(spot.orders.all()) == {*first, late, fourth}
    assert hotspot_detection.call() is None

    # An hour after that run it detects again, with nothing new: the orders stay where they are.
    monday.shift(dt.timedelta(minutes=59))
    assert hotspot_detection.call() is None
    monday.shift(dt.timedelta(minutes=1))
    assert hotspot_detection.call() == {"opened": 0, "joined": 0}
    assert hotspot_detection.call() is None


def test_the_hourly_run_finds_what_the_order_mark_cannot_see(take, here, monday):
    late = take(description=STALL, address=here["address"])
    [take(description=STALL, **here) for _ in range(3)]
    assert hotspot_detection.call() == {"opened": 1, "joined": 0}
    WorkOrder.objects.filter(pk=late.pk).update(longitude=here["longitude"], latitude=here["latitude"])
    monday.shift(dt.timedelta(minutes=59))
    assert hotspot_detection.call() is None
    monday.shift(dt.timedelta(minutes=1))
    assert hotspot_detection.call() == {"opened": 0, "joined": 1}
    late.refresh_from_db()
    assert late.hotspot == Hotspot.objects.get()


def test_the_sweep_schedules_detection():
    from django.conf import settings

    assert "yiwang.hotline.tasks.hotspot_detection" in settings.YIWANG_PERIODIC_TASKS


def test_a_dispatch_as_chronic_gives_the_order_a_hotspot_owned_by_the_lead(
    take, here, operator, urban, housing, monday
):
    order = take(description=STALL, **here)
    services.order_dispatch(actor=operator, order=order, lead=urban, handling=WorkOrder.Handling.CHRONIC)
    order.refresh_from_db()
    spot = order.hotspot
    assert spot.department == urban and spot.status == Hotspot.Status.OPEN and spot.orders.count() == 1
    assert (float(spot.longitude), float(spot.latitude)) == pytest.approx((here["longitude"], here["latitude"]))
    # The same problem dispatched again as 老大难 joins that hotspot, whose owner stays.
    repeat = take(description=STALL, **here)
    services.order_dispatch(actor=operator, order=repeat, lead=housing, handling=WorkOrder.Handling.CHRONIC)
    repeat.refresh_from_db()
    assert repeat.hotspot == spot and Hotspot.objects.count() == 1
    spot.refresh_from_db()
    assert spot.department == urban
    # And detection brings the next report in.
    third = take(description=STALL, **here)
    assert services.hotspots_detect() == {"opened": 0, "joined": 1}
    third.refresh_from_db()
    assert third.hotspot == spot
    # An order without a place gets a hotspot of its own; another handling, none.
    unplaced = take(description="某小区门口长期有人乱倒垃圾", address="")
    services.order_dispatch(actor=operator, order=unplaced, lead=urban, handling=WorkOrder.Handling.CHRONIC)
    unplaced.refresh_from_db()
    assert unplaced.hotspot.longitude is None and unplaced.hotspot.department == urban
    plain = take(description=STALL, **here)
    services.order_dispatch(actor=operator, order=plain, lead=urban, handling=WorkOrder.Handling.RECTIFICATION)
    plain.refresh_from_db()
    assert plain.hotspot_id is None


@pytest.fixture
def spot(take, here, operator, monday):
    for _ in range(3):
        take(description=STALL, **here)
    services.hotspots_detect()
    return Hotspot.objects.get()


def test_the_centre_assigns_plans_and_resolves_once_every_milestone_is_done(spot, operator, urban, monday):
    today = dt.date(2026, 11, 23)
    services.hotspot_assign(
        actor=operator, hotspot=spot, department=urban, deadline=today + dt.timedelta(days=60), owner_name="王科长"
    )
    spot.refresh_from_db()
    assert (spot.department, spot.owner_name, spot.deadline) == (urban, "王科长", dt.date(2027, 1, 22))
    assert AuditEntry.objects.filter(action="hotline.hotspot_assign", target_id=str(spot.pk)).exists()
    survey = services.hotspot_milestone_add(actor=operator, hotspot=spot, title="联合执法摸排", due=today)
    market = services.hotspot_milestone_add(
        actor=operator, hotspot=spot, title="设置临时疏导点", due=today + dt.timedelta(days=30)
    )
    services.hotspot_milestone_complete(actor=operator, milestone=survey, note="已摸排 3 个摊点")
    with pytest.raises(InvalidTransition) as twice:
        services.hotspot_milestone_complete(actor=operator, milestone=survey)
    assert twice.value.subcode == "milestone_done"
    with pytest.raises(InvalidTransition) as refused:
        services.hotspot_resolve(actor=operator, hotspot=spot, resolution="已整治")
    assert refused.value.subcode == "hotspot_milestones_open" and "设置临时疏导点" in refused.value.message
    spot.refresh_from_db()
    assert spot.status == Hotspot.Status.OPEN and spot.resolved_at is None
    services.hotspot_milestone_complete(actor=operator, milestone=market)
    services.hotspot_resolve(actor=operator, hotspot=spot, resolution="疏导点启用，摊贩入场")
    spot.refresh_from_db()
    assert spot.status == Hotspot.Status.RESOLVED and spot.resolved_at is not None
    # Resolved is the end: no new owner, no new milestone.
    with pytest.raises(InvalidTransition):
        services.hotspot_assign(actor=operator, hotspot=spot, department=urban, deadline=today)
    with pytest.raises(InvalidTransition):
        services.hotspot_milestone_add(actor=operator, hotspot=spot, title="回头看", due=today)


def test_bad_input_is_refused_by_field_and_changes_nothing(spot, operator, monday):
    tianhe_department = Department.objects.filter(region__code="440106").first()
    with pytest.raises(ValidationFailed) as refused:
        services.hotspot_assign(
            actor=operator, hotspot=spot, department=tianhe_department, deadline=dt.date(2026, 11, 1)
        )
    assert set(refused.value.fields) == {"department", "deadline"}
    with pytest.raises(ValidationFailed) as empty:
        services.hotspot_milestone_add(actor=operator, hotspot=spot, title=" ", due=None)
    assert set(empty.value.fields) == {"title", "due"}
    with pytest.raises(ValidationFailed):
        services.hotspot_resolve(actor=operator, hotspot=spot, resolution="")
    spot.refresh_from_db()
    assert spot.department_id is None and spot.deadline is None and not spot.milestones.exists()
    assert spot.status == Hotspot.Status.OPEN


def test_who_may_see_and_who_may_act(spot, operator, urban, urban_liaison, housing_liaison, grid_worker, monday):
    deadline = dt.date(2027, 1, 1)
    # Not owned yet: only the centre (and 效能监察) see it.
    assert selectors.hotspot_list(urban_liaison) == []
    services.hotspot_assign(actor=operator, hotspot=spot, department=urban, deadline=deadline)
    assert [s.pk for s in selectors.hotspot_list(urban_liaison)] == [spot.pk]
    assert selectors.hotspot_for(urban_liaison, spot.pk) == spot
    assert selectors.hotspot_list(housing_liaison) == []
    with pytest.raises(NotFound):
        selectors.hotspot_for(housing_liaison, spot.pk)
    # Only the centre acts: the owner's liaison, another department's, a grid worker get the 404 of a missing row.
    for someone in (urban_liaison, housing_liaison, grid_worker):
        with pytest.raises(NotFound):
            services.hotspot_assign(actor=someone, hotspot=spot, department=urban, deadline=deadline)
        with pytest.raises(NotFound):
            services.hotspot_milestone_add(actor=someone, hotspot=spot, title="x", due=deadline)
        with pytest.raises(NotFound):
            services.hotspot_resolve(actor=someone, hotspot=spot, resolution="x")


def test_one_hotspot_is_read_restricted_once(spot, operator, urban, urban_liaison, monday):
    services.hotspot_assign(actor=operator, hotspot=spot, department=urban, deadline=dt.date(2027, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        assert selectors.hotspot_for(urban_liaison, spot.pk) == spot
    where = queries.captured_queries[-1]["sql"].split(" WHERE ")[1]
    assert where.count('"hotline_hotspot"."department_id" =') == 1
    assert len(re.findall(r'"org_region"\."path"(?:::text)? LIKE', where)) == 1


def test_the_pages(
    client, spot, operator, urban, urban_liaison, housing_liaison, grid_worker, monday, django_assert_max_num_queries
):
    url = f"/workbench/hotline/hotspots/{spot.pk}/"
    client.force_login(operator)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and text.count("data-hotspot-order") == 3
    assert 'id="assign-form"' in text and 'id="milestone-form"' in text and 'id="resolve-form"' in text

    # The centre assigns through the form; a refusal comes back with the error and what was typed.
    refused = client.post(f"{url}assign/", {"department": urban.pk, "deadline": "2026-01-01", "owner_name": "王科长"})
    assert refused.status_code == 422 and "日期不能早于今天" in refused.content.decode()
    assert "王科长" in refused.content.decode()
    done = client.post(f"{url}assign/", {"department": urban.pk, "deadline": "2026-12-31", "owner_name": "王科长"})
    assert done.status_code == 302 and done["Location"] == url
    assert client.post(f"{url}milestones/", {"title": "联合执法", "due": "2026-12-01"}).status_code == 302
    milestone = HotspotMilestone.objects.get()
    refused = client.post(f"{url}resolve/", {"resolution": "已整治"})
    assert refused.status_code == 409 and "联合执法" in refused.content.decode()
    done_url = f"/workbench/hotline/hotspot-milestones/{milestone.pk}/done/"
    assert client.post(done_url, {"note": "完成"}).status_code == 302

    # The list: the owner, the deadline, how many orders; overdue once the deadline has passed.
    with django_assert_max_num_queries(10):
        listed = client.get("/workbench/hotline/hotspots/").content.decode()
    assert listed.count("data-hotspot") == 1 and "<td data-order-count>3</td>" in listed
    assert urban.name in listed and "2026-12-31" in listed and "data-overdue" not in listed
    monday.shift(dt.timedelta(days=40))
    client.force_login(operator)  # the session ran out meanwhile
    assert "data-overdue" in client.get("/workbench/hotline/hotspots/").content.decode()

    # The owner's liaison reads the page without the forms, and cannot post them.
    client.force_login(urban_liaison)
    text = client.get(url).content.decode()
    assert urban.name in text and "联合执法" in text and 'id="assign-form"' not in text
    assert client.post(f"{url}resolve/", {"resolution": "已整治"}).status_code == 404
    # Another department's liaison and a grid worker: 404 everywhere.
    for someone in (housing_liaison, grid_worker):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}assign/", {"department": urban.pk, "deadline": "2027-01-01"}).status_code == 404
    spot.refresh_from_db()
    assert spot.status == Hotspot.Status.OPEN and spot.deadline == dt.date(2026, 12, 31)

    client.force_login(operator)
    assert client.post(f"{url}resolve/", {"resolution": "已整治"}).status_code == 302
    assert "data-hotspot" not in client.get("/workbench/hotline/hotspots/").content.decode()
    assert client.get("/workbench/hotline/hotspots/?status=resolved").content.decode().count("data-hotspot") == 1
    assert client.get("/workbench/grid/layers/hotspots.geojson").json()["features"] == []

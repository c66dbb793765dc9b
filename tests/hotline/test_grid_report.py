"""巡查上报: a grid worker's report from one of their cells becomes a work order for the centre, located and
celled; a place outside their streets, or no place, is refused and nothing is made."""

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import ValidationFailed
from yiwang.grid.models import GridCell
from yiwang.hotline import services
from yiwang.hotline.models import WorkOrder

FOUND = "南洲路 12 号旁的垃圾桶满溢，垃圾散落在人行道上，气味很大。"


@pytest.fixture
def worker(db):
    return User.objects.get(username="hz-grid-worker")


@pytest.fixture
def own_cell(worker):
    return GridCell.objects.filter(workers__user=worker, workers__active=True).order_by("code").first()


@pytest.fixture
def other_street_cell(db):
    """A cell of 江南中街道, outside the 南洲街道 worker's reach."""
    return GridCell.objects.filter(code__startswith="440105002").order_by("code").first()


def _report(worker, cell, **overrides):
    fields = {
        "actor": worker,
        "kind": WorkOrder.Kind.HELP,
        "category": "CITY-02",
        "description": FOUND,
        "longitude": cell.centroid_lon if cell else None,
        "latitude": cell.centroid_lat if cell else None,
    }
    return services.order_report_from_grid(**{**fields, **overrides})


def test_a_report_from_the_workers_cell_reaches_the_centre(worker, own_cell):
    order = _report(worker, own_cell)
    assert (order.channel, order.status, order.grid_cell_code) == ("grid", "received", own_cell.code)
    assert order.region.code == "440105" and order.created_by == worker
    assert [entry.action for entry in order.log.all()] == ["grid_report"]


def test_a_place_outside_the_workers_streets_or_no_place_is_refused(worker, other_street_cell, clerk):
    before = WorkOrder.objects.count()
    with pytest.raises(ValidationFailed) as outside:
        _report(worker, other_street_cell)
    assert "location" in outside.value.fields
    with pytest.raises(ValidationFailed) as nowhere:
        _report(worker, None, category="NOPE")
    assert {"location", "category"} <= set(nowhere.value.fields)
    with pytest.raises(ValidationFailed) as not_a_worker:  # a window clerk walks no grid
        _report(clerk, other_street_cell)
    assert "location" in not_a_worker.value.fields
    assert WorkOrder.objects.count() == before


def test_the_report_page_takes_a_report_by_cell_and_lists_it(client, worker, own_cell, django_assert_max_num_queries):
    client.force_login(worker)
    page = client.get("/workbench/hotline/grid-report/")
    assert page.status_code == 200 and own_cell.code in page.content.decode()
    answer = client.post(
        "/workbench/hotline/grid-report/",
        {"kind": "help", "category": "CITY-02", "description": FOUND, "cell": own_cell.code},
    )
    assert answer.status_code == 302
    order = WorkOrder.objects.get(channel="grid")
    assert order.grid_cell_code == own_cell.code
    with django_assert_max_num_queries(12):
        listed = client.get("/workbench/hotline/grid-report/")
    assert order.number in listed.content.decode()
    refused = client.post(
        "/workbench/hotline/grid-report/", {"kind": "help", "category": "CITY-02", "description": FOUND}
    )
    assert refused.status_code == 422 and "请定位" in refused.content.decode()
    assert WorkOrder.objects.filter(channel="grid").count() == 1

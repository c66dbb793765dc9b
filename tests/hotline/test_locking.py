"""A work order's lock covers the order, not the district, category or department it points at: every order of a
district must not queue behind one another on their shared rows."""

import threading

import pytest
from django.db import connection, connections, transaction

from yiwang.hotline.models import Category
from yiwang.hotline.services._common import _locked, _own_assignment
from yiwang.org.models import Department, Region

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the whole database; row locks exist on PostgreSQL only"
)


def _lock_elsewhere(model, pk) -> BaseException | None:
    """Try to lock one row from another connection without waiting; what went wrong, if anything."""
    outcome: list[BaseException | None] = [None]

    def run():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
        except BaseException as exc:  # reported by the caller's assertion
            outcome[0] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome[0]


def test_locking_an_order_and_its_part_leaves_the_shared_rows_free(dispatched, operator, urban_liaison, urban):
    with transaction.atomic():
        order = _locked(dispatched, operator, "hotline_operate")
        _own_assignment(order, urban_liaison, "dispatched")
        assert _lock_elsewhere(Region, order.region_id) is None
        assert _lock_elsewhere(Category, order.category_id) is None
        assert _lock_elsewhere(Department, urban.pk) is None

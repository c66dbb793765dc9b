"""A work order's lock covers the order, not the district, category or department it points at: every order of a
district must not queue behind one another on their shared rows."""

import pytest
from django.db import connection, transaction

from tests.row_locks import lock_elsewhere
from yiwang.hotline.models import Category
from yiwang.hotline.services._common import _locked, _own_assignment
from yiwang.org.models import Department, Region

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the whole database; row locks exist on PostgreSQL only"
)


def test_locking_an_order_and_its_part_leaves_the_shared_rows_free(dispatched, operator, urban_liaison, urban):
    with transaction.atomic():
        order = _locked(dispatched, operator, "hotline_operate")
        _own_assignment(order, urban_liaison, "dispatched")
        assert lock_elsewhere(Region, order.region_id) is None
        assert lock_elsewhere(Category, order.category_id) is None
        assert lock_elsewhere(Department, urban.pk) is None

"""A case's lock covers the case, not the district, department or item it points at."""

import pytest
from django.db import connection, transaction

from tests.row_locks import lock_elsewhere
from yiwang.cases.services._common import _locked, _locked_task
from yiwang.catalog.models import ItemVersion
from yiwang.org.models import Department, Region
from yiwang.workflow.models import Task

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the whole database; row locks exist on PostgreSQL only"
)


def test_locking_a_case_leaves_its_region_department_and_item_free(in_review, samr_reviewer, urban_reviewer):
    """While one reviewer's transaction holds a case, another case of the same district can still move."""
    case = in_review
    with transaction.atomic():
        _locked(case, samr_reviewer, "review")
        for model, pk in ((Region, case.region_id), (Department, case.department_id), (ItemVersion, case.version_id)):
            assert lock_elsewhere(model, pk) is None, model.__name__
    task = Task.objects.get(case=case, department__kind="URBAN")
    with transaction.atomic():
        _locked_task(task, urban_reviewer)
        assert lock_elsewhere(Region, case.region_id) is None

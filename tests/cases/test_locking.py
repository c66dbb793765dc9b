"""A case's lock covers the case, not the district, department or item it points at."""

import threading

import pytest
from django.db import connection, connections, transaction

from yiwang.cases.services._common import _locked, _locked_task
from yiwang.catalog.models import ItemVersion
from yiwang.org.models import Department, Region
from yiwang.workflow.models import Task

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


def test_locking_a_case_leaves_its_region_department_and_item_free(in_review, samr_reviewer, urban_reviewer):
    """While one reviewer's transaction holds a case, another case of the same district can still move."""
    case = in_review
    with transaction.atomic():
        _locked(case, samr_reviewer, "review")
        for model, pk in ((Region, case.region_id), (Department, case.department_id), (ItemVersion, case.version_id)):
            assert _lock_elsewhere(model, pk) is None, model.__name__
    task = Task.objects.get(case=case, department__kind="URBAN")
    with transaction.atomic():
        _locked_task(task, urban_reviewer)
        assert _lock_elsewhere(Region, case.region_id) is None

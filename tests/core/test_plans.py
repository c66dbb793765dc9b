"""core.plans.custom_plans: statements inside are planned for their values even once prepared; the setting ends
with the transaction it was made in."""

import pytest
from django.db import connection

from yiwang.core.plans import custom_plans


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_custom_plans_hold_inside_the_block_only(reference_data_restored, transactional_db):
    """Outside any transaction, so the block's own BEGIN and COMMIT bound the setting."""
    if connection.vendor != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's; on SQLite the block only opens a transaction")
    assert _mode() == "auto"
    with custom_plans():
        assert _mode() == "force_custom_plan"
    assert _mode() == "auto"

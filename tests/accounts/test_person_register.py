"""Registering a walk-in applicant at a window: who may is decided by core.permissions (ACTION_ROLES
"window_intake"), not by comparing role names in the service (issue #10)."""

import pytest

from yiwang.accounts.services import person_register
from yiwang.core import permissions
from yiwang.core.errors import PermissionDenied

from .conftest import NEW_ID


def test_a_window_clerk_registers_a_walk_in_and_a_reviewer_may_not(clerk, samr_reviewer):
    with pytest.raises(PermissionDenied):
        person_register(actor=samr_reviewer, name="刘一", id_number=NEW_ID)
    assert person_register(actor=clerk, name="刘一", id_number=NEW_ID).id_number == NEW_ID


def test_the_decision_is_the_permission_tables(monkeypatch, clerk, samr_reviewer):
    """Change the table and the service follows: no role name is compared by hand in accounts.services."""
    monkeypatch.setitem(permissions.ACTION_ROLES, "window_intake", {"reviewer": "department"})
    with pytest.raises(PermissionDenied):
        person_register(actor=clerk, name="刘一", id_number=NEW_ID)
    assert person_register(actor=samr_reviewer, name="刘一", id_number=NEW_ID).name == "刘一"

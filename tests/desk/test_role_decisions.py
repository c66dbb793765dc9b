"""Issue #10: the desk and the catalog compared role names by hand (`r.role == "clerk"`, `r.role == "admin"`);
who may work a window or maintain the catalog is now decided by core.permissions' ACTION_ROLES alone."""

import pytest

from yiwang.catalog.services import require_catalog_admin
from yiwang.core.errors import PermissionDenied
from yiwang.core.permissions import ACTION_ROLES
from yiwang.desk import services
from yiwang.desk.selectors import clerk_windows, is_clerk


def test_window_work_follows_action_roles(clerk, samr_reviewer, window1, monkeypatch):
    assert is_clerk(clerk) and not is_clerk(samr_reviewer)
    monkeypatch.setitem(ACTION_ROLES, "window_intake", {"reviewer": "region"})
    assert is_clerk(samr_reviewer) and not is_clerk(clerk)
    assert not clerk_windows(actor=clerk).exists()
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(actor=clerk, window=window1)


def test_catalog_maintenance_follows_action_roles(catalog_admin, clerk, monkeypatch):
    require_catalog_admin(catalog_admin)
    with pytest.raises(PermissionDenied):
        require_catalog_admin(clerk)
    monkeypatch.setitem(ACTION_ROLES, "catalog_maintain", {"clerk": "region"})
    require_catalog_admin(clerk)
    with pytest.raises(PermissionDenied):
        require_catalog_admin(catalog_admin)

"""Routing to the read replica (core.replica, config.db_router): only opted-in reads, never writes or migrations.

These run without a replica: a spy router records where each read would go and answers "default". The real
streaming replica is exercised by tests/reliability/test_replica.py.
"""

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from yiwang.config import db_router
from yiwang.config.db_router import ReplicaRouter
from yiwang.core.replica import read_only_replica
from yiwang.org.models import Department

DECISIONS: list[tuple[str, str]] = []


class SpyRouter(ReplicaRouter):
    """Records the replica router's answer for each read, then reads from the only database there is."""

    def db_for_read(self, model, **hints):
        DECISIONS.append((model._meta.label, super().db_for_read(model, **hints)))
        return "default"


@pytest.fixture
def replica_configured(monkeypatch):
    monkeypatch.setattr(db_router, "replica_alias", lambda: "replica")
    DECISIONS.clear()
    with override_settings(DATABASE_ROUTERS=[f"{__name__}.SpyRouter"]):
        yield DECISIONS


def test_without_a_replica_everything_stays_on_the_primary():
    router = ReplicaRouter()
    with read_only_replica():
        assert router.db_for_read(Department) == "default"


def test_only_opted_in_reads_outside_a_new_transaction_go_to_the_replica(db, replica_configured):
    router = ReplicaRouter()
    assert router.db_for_read(Department) == "default"
    with read_only_replica():
        assert router.db_for_read(Department) == "replica"
        assert router.db_for_write(Department) == "default"
        # rate-limit counters are read then written: a lagging copy would undercount
        assert router.db_for_read(caches["default"].cache_model_class) == "default"
        with transaction.atomic():  # a service called from an opted-in page reads its own writes
            assert router.db_for_read(Department) == "default"
        assert router.db_for_read(Department) == "replica"
    assert router.db_for_read(Department) == "default"


def test_migrations_never_run_on_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "org")
    assert not router.allow_migrate("replica", "org")


def test_public_pages_read_from_the_replica_and_the_signed_in_user_from_the_primary(
    client, citizen, replica_configured
):
    client.force_login(citizen)
    assert client.get("/departments/").status_code == 200
    assert ("org.Department", "replica") in replica_configured
    assert ("accounts.User", "default") in replica_configured
    assert ("accounts.User", "replica") not in replica_configured
    replica_configured.clear()
    assert client.get("/licences/issuers/").status_code == 200
    assert any(where == "replica" for _, where in replica_configured)


def test_pages_that_did_not_opt_in_read_from_the_primary(client, citizen, replica_configured):
    client.force_login(citizen)
    assert client.get("/cases/").status_code == 200
    assert replica_configured and all(where == "default" for _, where in replica_configured)

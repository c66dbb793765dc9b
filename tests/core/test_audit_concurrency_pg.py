"""Issue #11: audited transactions on different shards commit side by side, each pair of shards locked in one
order so none deadlocks, and the chains verify (PostgreSQL only: SQLite runs one writer at a time)."""

import os
import threading
import time

import pytest
from django.db import connection, transaction

from yiwang.core import audit
from yiwang.core.audit import audit_record, audit_verify, shard_of
from yiwang.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite runs one writer at a time, so the transactions could not overlap",
)

THREADS = 12
ROUNDS = 5
SHARED = "test:shared-shard"


def _keys_on_distinct_shards() -> list[str]:
    keys, shards = [], {shard_of(SHARED)}
    n = 0
    while len(keys) < THREADS:
        key = f"test:concurrent-{n}"
        if shard_of(key) not in shards:
            keys.append(key)
            shards.add(shard_of(key))
        n += 1
    return keys


def test_concurrent_transactions_on_many_shards_all_commit_and_verify(reference_data_restored, transactional_db):
    keys = _keys_on_distinct_shards()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    audit.HOLD.reset()

    def work(n: int, key: str) -> None:
        try:
            start.wait()
            for r in range(ROUNDS):
                with transaction.atomic():
                    # Half the threads record on the shared shard first, half last: the flush locks heads in
                    # shard order whatever the order of recording, so the two halves cannot deadlock.
                    order = [key, SHARED] if n % 2 else [SHARED, key]
                    for k in order:
                        audit_record(actor=None, action="test.concurrent", data={"key": key, "round": r}, shard_key=k)
                    time.sleep(0.005)  # the service's own work, during which no head is held
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n, key)) for n, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    for key in keys:
        mine = AuditEntry.objects.filter(shard=shard_of(key), action="test.concurrent")
        assert sorted(mine.values_list("data__round", flat=True)) == sorted(range(ROUNDS))
    shared = AuditHead.objects.get(shard=shard_of(SHARED))
    assert shared.seq == AuditEntry.objects.filter(shard=shard_of(SHARED)).count() >= THREADS * ROUNDS
    assert audit.HOLD.count == THREADS * ROUNDS
    ok, message = audit_verify()  # outside any transaction: the shards are walked by parallel threads
    assert ok, message

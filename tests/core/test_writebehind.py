"""What a transaction buffers (core.writebehind) is written at COMMIT, with the audit entries; rolled back with it;
and a rolled-back savepoint drops exactly its own rows."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from yiwang.core.audit import audit_record, audit_verify
from yiwang.core.events import emit
from yiwang.core.models import AuditEntry, Event, Notification
from yiwang.core.notifications import notify


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_rows_are_written_when_the_block_exits_with_their_keys(citizen):
    with transaction.atomic():
        note = notify(user=citizen, title="已受理")
        event = emit("case.accepted", {"case": "X-1"})
        assert note.pk is None
    assert note.pk is not None and Notification.objects.get(pk=note.pk).title == "已受理"
    assert Event.objects.get(pk=event.pk).payload == {"case": "X-1"}


def test_a_rolled_back_savepoint_drops_only_its_rows(citizen):
    with transaction.atomic():
        notify(user=citizen, title="外层")
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(user=citizen, title="内层")
            audit_record(actor=citizen, action="test.inner", target=citizen)
            raise RuntimeError
        notify(user=citizen, title="外层之后")
    assert _titles(citizen) == ["外层", "外层之后"]
    assert not AuditEntry.objects.filter(action="test.inner").exists()


def test_rows_keep_the_order_they_were_buffered_in(citizen):
    with transaction.atomic():
        for n in range(5):
            notify(user=citizen, title=f"第{n}条")
    assert _titles(citizen) == [f"第{n}条" for n in range(5)]


def test_a_committed_transaction_writes_rows_and_chain_in_one_statement_on_postgresql(
    reference_data_restored, transactional_db, django_user_model
):
    user = django_user_model.objects.create_user("wb-user", password=None)
    # The user's audit shard gets its head first: a transactional test's flush empties the heads, and the first
    # entry on a missing head creates it (two statements more), so which shard the user's id falls in decided it.
    with transaction.atomic():
        audit_record(actor=user, action="test.head", target=user)
    with CaptureQueriesContext(connection) as seen, transaction.atomic():
        notify(user=user, title="通知")
        emit("test.written", {"n": 1})
        audit_record(actor=user, action="test.written", target=user)
    statements = [q["sql"] for q in seen.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    if connection.vendor == "postgresql":
        assert len(statements) == 2, statements
        lock, write = statements
        assert lock.startswith("SELECT shard, seq, last_hash FROM core_audithead") and lock.endswith("FOR UPDATE")
        assert write.startswith("WITH ") and all(
            table in write for table in ("core_notification", "core_event", "core_auditentry", "core_audithead")
        )
    assert _titles(user) == ["通知"] and Event.objects.filter(type="test.written").count() == 1
    assert audit_verify()[0]


def test_a_rolled_back_transaction_writes_nothing_and_outside_one_a_row_is_written_at_once(
    reference_data_restored, transactional_db, django_user_model
):
    user = django_user_model.objects.create_user("wb-user", password=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, title="回滚")
        raise RuntimeError
    assert _titles(user) == [] and connection.write_pending == []
    note = notify(user=user, title="自动提交")
    assert note.pk is not None and _titles(user) == ["自动提交"]

"""Database backends that write the audit entries a transaction buffered (core.audit) just before it commits.

`AuditBufferMixin` goes in front of Django's DatabaseWrapper (sqlite3/base.py, postgresql/base.py). Entries
are kept with the savepoints that were open when they were recorded, as Django keeps on_commit callbacks, so
rolling back a savepoint drops exactly the entries recorded inside it.
"""

import time

from django.db import DatabaseError

from yiwang.core import audit


class AuditBufferMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # [(savepoint ids open when recorded, unsaved AuditEntry)], in the order recorded.
        self.audit_pending = []

    def _commit(self):
        if not self.audit_pending:
            return super()._commit()
        try:
            started = audit.flush(self)
        except DatabaseError:
            raise
        except Exception as error:
            # Only a DatabaseError makes Atomic roll back; anything else would let the transaction commit
            # without its entries when autocommit is switched back on.
            raise DatabaseError(f"audit entries could not be written: {error!r}") from error
        flushed = time.perf_counter()
        result = super()._commit()
        audit.HOLD.add(flushed - started, time.perf_counter() - started)
        return result

    def _rollback(self):
        self.audit_pending = []
        return super()._rollback()

    def savepoint_rollback(self, sid):
        super().savepoint_rollback(sid)
        self.audit_pending = [(sids, entry) for sids, entry in self.audit_pending if sid not in sids]

    def savepoint_commit(self, sid):
        # A test case's transaction never commits: write when the last block that is not the test's own exits
        # (Atomic.__exit__ has already popped it), inside the savepoint so a failure rolls the entries back too.
        if self.audit_pending and audit._only_test_blocks(self):
            started = audit.flush(self)
            flushed = time.perf_counter() - started
            audit.HOLD.add(flushed, flushed)
        super().savepoint_commit(sid)

    def close(self):
        # A connection closed inside a transaction is rolled back by the server, not by _rollback().
        self.audit_pending = []
        super().close()

"""Database backends that write what a transaction buffered (core.writebehind: its audit entries, timeline rows,
events and notifications) just before it commits.

`WriteBehindMixin` goes in front of Django's DatabaseWrapper (sqlite3/base.py, postgresql/base.py). Rows are
kept with the savepoints that were open when they were buffered, as Django keeps on_commit callbacks, so
rolling back a savepoint drops exactly the rows buffered inside it.
"""

import time

from django.db import DatabaseError

from yiwang.core import audit, writebehind


class WriteBehindMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # [(savepoint ids open when buffered, unsaved instance)], in the order buffered.
        self.write_pending = []

    def _commit(self):
        if not self.write_pending:
            return super()._commit()
        try:
            started = writebehind.flush(self)
        except DatabaseError:
            raise
        except Exception as error:
            # Only a DatabaseError makes Atomic roll back; anything else would let the transaction commit
            # without its rows when autocommit is switched back on.
            raise DatabaseError(f"buffered rows could not be written: {error!r}") from error
        flushed = time.perf_counter()
        result = super()._commit()
        if started is not None:
            audit.HOLD.add(flushed - started, time.perf_counter() - started)
        return result

    def _rollback(self):
        self.write_pending = []
        return super()._rollback()

    def savepoint_rollback(self, sid):
        super().savepoint_rollback(sid)
        self.write_pending = [(sids, row) for sids, row in self.write_pending if sid not in sids]

    def savepoint_commit(self, sid):
        # A test case's transaction never commits: write when the last block that is not the test's own exits
        # (Atomic.__exit__ has already popped it), inside the savepoint so a failure rolls the rows back too.
        if self.write_pending and writebehind.only_test_blocks(self):
            started = writebehind.flush(self)
            if started is not None:
                flushed = time.perf_counter() - started
                audit.HOLD.add(flushed, flushed)
        super().savepoint_commit(sid)

    def close(self):
        # A connection closed inside a transaction is rolled back by the server, not by _rollback().
        self.write_pending = []
        super().close()

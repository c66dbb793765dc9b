from django.db.backends.sqlite3 import base

from yiwang.core.db import AuditBufferMixin


class DatabaseWrapper(AuditBufferMixin, base.DatabaseWrapper):
    pass

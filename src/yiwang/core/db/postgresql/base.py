from django.db.backends.postgresql import base

from yiwang.core.db import AuditBufferMixin


class DatabaseWrapper(AuditBufferMixin, base.DatabaseWrapper):
    pass

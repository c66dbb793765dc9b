from django.db.backends.postgresql import base

from yiwang.core.db import WriteBehindMixin


class DatabaseWrapper(WriteBehindMixin, base.DatabaseWrapper):
    pass

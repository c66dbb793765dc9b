from django.db.backends.sqlite3 import base

from yiwang.core.db import WriteBehindMixin


class DatabaseWrapper(WriteBehindMixin, base.DatabaseWrapper):
    pass

"""Database router for an optional read replica (yiwang.core.replica): generic, knows no model of ours.

Reads go to the replica only inside `read_only_replica()` and not inside a transaction opened there on the
primary (a read inside a service's transaction must see that transaction's own writes). Writes always go to
the primary, migrations never run on it, and rows read from either may be related (they are the same data).
"""

from django.db import DEFAULT_DB_ALIAS

from yiwang.core.replica import replica_alias, replica_reading

# Tables read and then written in the same request, where a lagging copy would be wrong, not just late: the
# database cache (rate-limit counters) and the sessions.
PRIMARY_ONLY_APPS = {"django_cache", "sessions"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias and replica_reading() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return alias
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

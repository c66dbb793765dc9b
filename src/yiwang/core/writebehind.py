"""Rows a transaction only appends, written just before it commits: the audit entries, and the hot fixed-shape
rows the services add on every step (the case timeline, the outbox event, the in-app notification).

Why: each of those was an ORM INSERT of its own, compiled and sent apart, about a fifth of a case's statements
and as much of its SQL compilation. Nothing reads them inside the transaction that writes them (pages read the
timeline, consumers the event after commit, the recipient the notification), so they can wait for COMMIT. On
PostgreSQL the flush is two statements whatever was buffered: lock the touched audit heads in shard order, then
one statement whose data-modifying CTEs insert every buffered row and move the heads. On SQLite (one writer,
no round trip) each table gets one multi-row INSERT.

The database backends (core.db) keep the buffer with the savepoints open when a row was added, as Django keeps
on_commit callbacks, so rolling back a savepoint drops exactly its rows; `_commit()` calls `flush`. A row's
automatic primary key is set on the instance after the flush (RETURNING, in VALUES order, as bulk_create
relies on).
"""

import functools
import time
from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from . import audit


def only_test_blocks(connection) -> bool:
    """Every open atomic block is a test case's own: under pytest-django that transaction never commits, so what
    would be written at COMMIT is written when the service's block exits instead."""
    blocks = connection.atomic_blocks
    return bool(blocks) and all(getattr(block, "_from_testcase", False) for block in blocks)


def pending_connection():
    connection = transaction.get_connection()
    if not hasattr(connection, "write_pending"):
        raise ImproperlyConfigured("the database ENGINE must be yiwang.core.db.sqlite3 or yiwang.core.db.postgresql")
    return connection


def defer_insert(instance) -> None:
    """Insert `instance` (unsaved) when the current transaction commits; outside a transaction, now."""
    connection = pending_connection()
    if not connection.in_atomic_block:
        instance.save(force_insert=True)
        return
    buffer(connection, instance)


def buffer(connection, instance) -> None:
    # Defaults that depend on the moment (auto_now_add) take the moment the row was recorded, not the commit.
    for field in _fields(type(instance)):
        field.pre_save(instance, add=True)
    connection.write_pending.append((frozenset(connection.savepoint_ids), instance))
    if only_test_blocks(connection):
        flush(connection)


@functools.cache
def _fields(model) -> tuple:
    """The columns an INSERT names: every concrete field but an automatic key. Asked for every buffered row, so
    computed once per model."""
    return tuple(f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning))


def _returning(model):
    pk = model._meta.pk
    return pk if pk.db_returning else None


def flush(connection) -> float | None:
    """Write the connection's buffered rows, in its transaction; return when the audit heads were locked (None when
    nothing was audited)."""
    from .models import AuditEntry

    pending, connection.write_pending = connection.write_pending, []
    groups: dict[type, list] = defaultdict(list)
    for _sids, instance in pending:
        groups[type(instance)].append(instance)
    entries = groups.pop(AuditEntry, [])
    started, moves = None, []
    with connection.cursor() as cursor:
        if entries:
            started = time.perf_counter()
            moves, entries = audit.chain(cursor, connection, entries)
            groups[AuditEntry] = entries
        if connection.vendor == "postgresql":
            _write_postgresql(cursor, connection, groups, moves)
        else:
            for model, instances in groups.items():
                _write_one(cursor, connection, model, instances)
            cursor.executemany("UPDATE core_audithead SET seq = %s, last_hash = %s WHERE shard = %s", moves)
    return started


def _values(connection, model, instances) -> tuple[str, list]:
    """`INSERT INTO t (columns) VALUES (…), (…)` for the instances, and its parameters."""
    quote = connection.ops.quote_name
    fields = _fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(getattr(i, f.attname), connection) for i in instances for f in fields]
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES " + ", ".join([row] * len(instances)), params


def _write_one(cursor, connection, model, instances) -> None:
    sql, params = _values(connection, model, instances)
    pk = _returning(model)
    if pk is None:
        cursor.execute(sql, params)
        return
    cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(pk.column)}", params)
    for instance, (value,) in zip(instances, cursor.fetchall(), strict=True):
        _saved(instance, connection, pk, value)


def _write_postgresql(cursor, connection, groups: dict, moves: list) -> None:
    """Every buffered row and the heads' moves in one statement: PostgreSQL runs each data-modifying CTE once
    and to completion whether or not the main query reads it."""
    quote = connection.ops.quote_name
    ctes, params, reads, waiting = [], [], [], []
    for n, (model, instances) in enumerate(groups.items()):
        sql, values = _values(connection, model, instances)
        pk = _returning(model)
        if pk is not None:
            sql += f" RETURNING {quote(pk.column)} AS id"
            reads.append(f"SELECT {n} AS g, id FROM w{n}")
            waiting.append((n, instances, pk))
        ctes.append(f"w{n} AS ({sql})")
        params.extend(values)
    if moves:
        rows = ", ".join(["(%s::bigint, %s::varchar, %s::integer)"] * len(moves))
        ctes.append(
            "heads AS (UPDATE core_audithead AS h SET seq = v.seq, last_hash = v.last_hash"
            f" FROM (VALUES {rows}) AS v (seq, last_hash, shard) WHERE h.shard = v.shard)"
        )
        params.extend(value for move in moves for value in move)
    if not ctes:
        return
    cursor.execute("WITH " + ", ".join(ctes) + " " + (" UNION ALL ".join(reads) or "SELECT 0, 0"), params)
    if not waiting:
        return
    returned = defaultdict(list)
    for group, value in cursor.fetchall():
        returned[group].append(value)
    for n, instances, pk in waiting:
        for instance, value in zip(instances, returned[n], strict=True):
            _saved(instance, connection, pk, value)


def _saved(instance, connection, pk, value) -> None:
    setattr(instance, pk.attname, value)
    instance._state.adding = False
    instance._state.db = connection.alias

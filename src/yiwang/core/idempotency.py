"""Idempotency-Key claims: the first request with a key runs, every later one answers with its result."""

from django.db import connection, transaction
from django.utils import timezone

from .models import IdempotencyKey


def idempotency_claim(*, actor, key: str) -> bool:
    """Claim `key` for `actor` inside the caller's transaction; True for the first request that holds it.

    A concurrent request with the same key blocks on the unique index until the first commits (then it finds
    the key taken) or rolls back (then it claims the key itself), so exactly one request is the first. One
    statement (INSERT … ON CONFLICT DO NOTHING RETURNING, which PostgreSQL and SQLite ≥ 3.35 both speak) instead
    of get_or_create's read, savepoint, insert and release.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside the caller's transaction")
    meta = IdempotencyKey._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} (user_id, key, created_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
            [actor.pk, key, timezone.now()],
        )
        return cursor.fetchone() is not None

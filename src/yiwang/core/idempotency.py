"""Idempotency-Key claims: the first request with a key runs, every later one answers with its result."""

from django.db import transaction

from .models import IdempotencyKey


def idempotency_claim(*, actor, key: str) -> bool:
    """Claim `key` for `actor` inside the caller's transaction; True for the first request that holds it.

    A concurrent request with the same key blocks on the unique index until the first commits (then it finds
    the key taken) or rolls back (then it claims the key itself), so exactly one request is the first.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside the caller's transaction")
    return IdempotencyKey.objects.get_or_create(user=actor, key=key)[1]

"""Per-process caches of reference data that changes rarely (process plans, working-day overrides): read once
per process, not in every transaction, and never served stale across processes.

Each cache has a generation: a random token in the CacheGeneration table. What a process holds is kept with the
token it was loaded under. The first cached read of a transaction reads every token in one query (then the
transaction uses that answer until it ends); an entry under another token is dropped and loaded again. A write
to the cached models bumps the token in the writer's own transaction (post_save/post_delete receivers, and
explicit `cache_bump` after bulk writes), so other processes see the change exactly when it commits, and the
writing process drops its entries at once. A rolled-back bump leaves the old token, and since tokens are random,
no later bump can reuse the one data was loaded under by a transaction that then rolled back.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models.signals import post_delete, post_save

# name -> (token it was loaded under, {key: value})
_held: dict[str, tuple[str, dict]] = {}


def _tokens() -> dict[str, str]:
    """Every cache's token, read once per transaction: the memo lives as long as the connection's list of
    on-commit hooks, which Django replaces on every commit, rollback and savepoint rollback."""
    from .models import CacheGeneration

    memo = getattr(connection, "_yiwang_cache_tokens", None)
    if memo is not None and connection.in_atomic_block and memo[0] is connection.run_on_commit:
        return memo[1]
    tokens = dict(CacheGeneration.objects.values_list("name", "token"))
    connection._yiwang_cache_tokens = (connection.run_on_commit, tokens)
    return tokens


def cached(name: str, key, load: Callable[[], Any]):
    """The value cache `name` holds for `key`, loaded with `load()` when missing or of an older generation.
    Values are shared by every caller of the process: treat them as read-only."""
    token = _tokens().get(name, "")
    held = _held.get(name)
    if held is None or held[0] != token:
        held = _held[name] = (token, {})
    if key not in held[1]:
        held[1][key] = load()
    return held[1][key]


def cache_bump(*names: str) -> None:
    """A cached model changed: a new generation for each name, in the caller's transaction."""
    from .models import CacheGeneration

    for name in names:
        CacheGeneration.objects.update_or_create(name=name, defaults={"token": uuid.uuid4().hex})
        _held.pop(name, None)
    connection._yiwang_cache_tokens = None


def bump_on_change(name: str, *models) -> None:
    """Any save or delete of these models starts a new generation of cache `name` (from an AppConfig.ready)."""

    def receiver(sender, **kwargs):
        cache_bump(name)

    for model in models:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"cache:{name}:{model._meta.label}:save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"cache:{name}:{model._meta.label}:del")

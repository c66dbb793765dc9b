"""Reads that may be served by a PostgreSQL streaming replica, by explicit opt-in only.

With DATABASE_REPLICA_URL set, settings add a `replica` database alias and config.db_router.ReplicaRouter.
Nothing goes to the replica unless the code says so: inside `read_only_replica()` (a context manager and a
decorator) reads go to the replica, writes and everything outside it stay on the primary. Only reads that may
lag the primary by a moment belong there: public catalog pages, the public licence check, the issuer
directory, reports. A page that shows what its reader has just written must not use it.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

ALIAS = "replica"
# How many transactions were open on the primary when the code opted in, or None outside the opt-in.
_opted_in_at = ContextVar("yiwang_read_only_replica", default=None)


def replica_alias() -> str | None:
    """The replica's database alias, or None when none is configured (then everything runs on the primary)."""
    return ALIAS if ALIAS in connections.settings else None


def replica_reading() -> bool:
    """Whether reads may go to the replica now (the router asks): the code opted in, and has not opened a
    transaction on the primary since — a service called from an opted-in page reads its own writes there."""
    depth = _opted_in_at.get()
    return depth is not None and len(connections[DEFAULT_DB_ALIAS].atomic_blocks) <= depth


@contextmanager
def read_only_replica():
    """Within it (or the function it decorates), ORM reads go to the replica when one is configured; nests."""
    token = _opted_in_at.set(len(connections[DEFAULT_DB_ALIAS].atomic_blocks))
    try:
        yield
    finally:
        _opted_in_at.reset(token)


def replica_view(view):
    """A public page's view whose reads may come from the replica. The signed-in user (session and user rows)
    is resolved on the primary first: someone who has just signed in must not look signed out on a lagging
    replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        getattr(user, "pk", None)  # evaluates the lazy user, and with it the session, on the primary
        with read_only_replica():
            return view(request, *args, **kwargs)

    return wrapped

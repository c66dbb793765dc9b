"""Whether a row is free: tried from another connection, without waiting (PostgreSQL's row locks)."""

import threading

from django.db import connections, transaction


def lock_elsewhere(model, pk) -> BaseException | None:
    """Try to lock one row from another connection without waiting; what went wrong, if anything."""
    outcome: list[BaseException | None] = [None]

    def run():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
        except BaseException as exc:  # reported by the caller's assertion
            outcome[0] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome[0]

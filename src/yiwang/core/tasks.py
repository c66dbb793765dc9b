from django.conf import settings
from django_tasks import task

from . import audit, events, storage


@task()
def event_redeliver_sweep() -> dict[str, int]:
    return events.event_redeliver_sweep()


@task()
def upload_sweep() -> dict[str, int]:
    return storage.upload_sweep()


@task()
def audit_anchor() -> int | None:
    """Sign the shard heads when one moved and the last anchor is at least AUDIT_ANCHOR_SECONDS old; the worker
    enqueues this at every sweep. The slack lets an anchor period equal to the sweep period anchor every sweep
    rather than every other one (a sweep runs a little less than a period after the last anchor)."""
    anchor = audit.audit_anchor_record(min_age=settings.AUDIT_ANCHOR_SECONDS * 0.9)
    return anchor.seq if anchor else None

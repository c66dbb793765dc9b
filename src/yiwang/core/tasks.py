from django_tasks import task

from . import events, storage


@task()
def event_redeliver_sweep() -> dict[str, int]:
    return events.event_redeliver_sweep()


@task()
def upload_sweep() -> dict[str, int]:
    return storage.upload_sweep()

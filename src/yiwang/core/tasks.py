from django_tasks import task

from . import events


@task()
def event_redeliver_sweep() -> dict[str, int]:
    return events.event_redeliver_sweep()

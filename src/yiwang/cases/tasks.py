from django_tasks import task

from . import services


@task()
def clock_sweep() -> dict[str, int]:
    return services.clock_sweep()

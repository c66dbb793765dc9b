from django_tasks import task

from . import services


@task()
def delivery_sweep() -> dict[str, int]:
    return services.delivery_sweep()

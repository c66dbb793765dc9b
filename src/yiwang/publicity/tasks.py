from django_tasks import task

from . import services


@task()
def publication_sweep() -> dict[str, int] | None:
    return services.publication_sweep()

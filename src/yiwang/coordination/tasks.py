from django_tasks import task

from . import services


@task()
def claim_sweep() -> dict[str, int]:
    return services.claim_sweep()

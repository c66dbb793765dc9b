from django_tasks import task

from . import services


@task()
def renewal_reminders() -> int:
    return services.licence_renewal_remind()

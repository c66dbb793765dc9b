from django_tasks import task

from . import renewal


@task()
def deemed_renewals() -> int:
    """第五十条第二款, applied with the clock sweep: renewals undecided at their licence's expiry are granted."""
    return renewal.renewal_deemed_sweep()

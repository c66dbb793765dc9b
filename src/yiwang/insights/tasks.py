from django_tasks import task

from .services import figures_refresh_due


@task()
def figures_refresh() -> dict[str, int]:
    """效能数据: rebuild the daily figures of the days that cases, ratings, 督办 and queue tickets touched since the
    last sweep (idempotent: a day is rebuilt whole)."""
    return figures_refresh_due()

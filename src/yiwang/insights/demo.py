"""The demo's efficiency figures: every day from the first case's receipt to today counted once at loading, so
the dashboards are full before the worker's first sweep (which then finds nothing new to count)."""

from django.utils import timezone

from yiwang.cases.models import Case
from yiwang.core.models import SweepMark

from .services import REFRESH_MARK, figures_recompute


def load_demo_figures() -> dict[str, int]:
    first = Case.objects.order_by("received_on").values_list("received_on", flat=True).first()
    if first is None:
        return {"days": 0, "rows": 0}
    began = timezone.now()
    done = figures_recompute(actor=None, start=first, end=timezone.localdate())
    SweepMark.objects.update_or_create(name=REFRESH_MARK, defaults={"at": began})
    return done

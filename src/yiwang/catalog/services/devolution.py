"""放权同步: checking the whole published catalog again on an administrator's demand."""

from django.db import transaction

from yiwang.core.audit import audit_record

from ..devolution import devolution_refresh
from ..models import DevolutionFinding
from ._common import require_catalog_admin


@transaction.atomic
def devolution_recheck(*, actor) -> int:
    """Check the whole published catalog again (放权同步) and store what is found: after changes no catalog
    service sees (a department or a region moved). Returns how many findings stand."""
    require_catalog_admin(actor)
    change = devolution_refresh(actor=actor, items=None)
    standing = DevolutionFinding.objects.count()
    audit_record(
        actor=actor,
        action="catalog.devolution_recheck",
        shard_key="catalog.devolution",
        data={"findings": standing, "added": len(change["added"]), "removed": len(change["removed"])},
    )
    return standing

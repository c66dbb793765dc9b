"""Event consumers of this app, registered with yiwang.core.events.consumer."""

from django.utils import timezone

from yiwang.accounts.models import Entity
from yiwang.cases.models import Case
from yiwang.core.events import consumer

from . import services

BUSINESS_LICENCE = "BIZ_LICENCE"


@consumer("licence.issued", name="coordination.dual_notify")
def dual_notify_on_licence(event) -> None:
    payload = event.payload
    if payload.get("licence_type") != BUSINESS_LICENCE or not payload.get("holder_uscc"):
        return
    entity = Entity.objects.filter(uscc=payload["holder_uscc"]).first()
    if entity is None:
        return
    services.dual_notify(
        entity=entity, licence_number=payload["licence"], issued_on=timezone.localdate(event.created_at)
    )


@consumer("case.decided", name="coordination.decision_forward")
def forward_decision(event) -> None:
    case = Case.objects.select_related("item").filter(pk=event.payload.get("case_id")).first()
    if case is not None and case.decided_at is not None:
        services.decision_forward(case=case)

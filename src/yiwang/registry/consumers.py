"""Event consumers of this app, registered with yiwang.core.events.consumer."""

from yiwang.cases.models import Case
from yiwang.core.events import consumer

from .services import entity_register, issues_business_licence


@consumer("case.granted", name="registry.entity_register")
def register_entity(event) -> None:
    """A granted business-licence case (设立/变更登记) writes the entity register. Delivery records the event id,
    and the register keeps one entry per case, so a replayed event changes nothing."""
    case = Case.objects.select_related("version__result_licence_type").filter(pk=event.payload.get("case_id")).first()
    if case is not None and issues_business_licence(case):
        entity_register(actor=None, case=case)

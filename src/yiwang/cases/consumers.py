"""Event consumers of this app, registered with yiwang.core.events.consumer: 电子送达 when its result is ready."""

from yiwang.core.events import consumer

from .models import Case
from .services import case_deliver_electronically


def _deliver(case_filter: dict) -> None:
    case = Case.objects.filter(**case_filter).first()
    if case is not None:
        case_deliver_electronically(case=case)


@consumer("case.decided", name="cases.deliver_decision")
def deliver_on_decision(event) -> None:
    """A refusal, or a grant whose result is no licence, is delivered electronically as soon as it is made."""
    _deliver({"pk": event.payload["case_id"]})


@consumer("licence.issued", name="cases.deliver_licence")
def deliver_on_licence(event) -> None:
    """A grant whose result is an e-licence is delivered electronically with the licence."""
    if event.payload.get("case"):
        _deliver({"number": event.payload["case"]})

"""Event consumers of this app, registered with yiwang.core.events.consumer: a decision is published at once."""

from yiwang.cases.models import Case
from yiwang.core.events import consumer
from yiwang.licences.models import Licence
from yiwang.supervision.models import Penalty

from .services import publication_publish_licence, publication_publish_penalty


@consumer("case.granted", name="publicity.licence_decision")
def publish_grant(event) -> None:
    """A grant whose result is no e-licence; one with an e-licence is published when the licence is issued, so the
    publication names it (and the entity a business licence registers) from the start."""
    case = Case.objects.select_related("version").filter(pk=event.payload["case_id"]).first()
    if case is not None and case.version.result_licence_type_id is None:
        publication_publish_licence(actor=None, case=case)


@consumer("licence.issued", name="publicity.licence")
def publish_licence(event) -> None:
    licence = Licence.objects.select_related("holder_entity", "holder_person").filter(pk=event.payload["licence_id"])
    licence = licence.first()
    if licence is not None and licence.case_id is not None:
        publication_publish_licence(actor=None, case=licence.case, licence=licence)


@consumer("penalty.recorded", name="publicity.penalty")
def publish_penalty(event) -> None:
    penalty = Penalty.objects.filter(pk=event.payload["penalty_id"]).first()
    if penalty is not None:
        publication_publish_penalty(actor=None, penalty=penalty)

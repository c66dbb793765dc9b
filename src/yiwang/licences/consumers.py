"""Event consumers of this app, registered with yiwang.core.events.consumer."""

from yiwang.cases.models import Case
from yiwang.core.events import consumer

from .services import licence_issue


@consumer("case.granted", name="licences.issue")
def issue_on_grant(event) -> None:
    """A granted case whose item results in a licence gets it; licence_issue is idempotent per case."""
    case = Case.objects.select_related("version__result_licence_type").filter(pk=event.payload["case_id"]).first()
    if case is None or case.version.result_licence_type_id is None:
        return
    licence_issue(actor=None, case=case)

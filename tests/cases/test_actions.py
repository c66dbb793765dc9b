"""One list of case actions (cases.actions.Action): every step the services write is a member, and every member
says how staff and the applicant read it and what it announces."""

import re
from pathlib import Path

from tests.case_fixtures import decide
from yiwang.cases import selectors, services
from yiwang.cases.actions import Action
from yiwang.cases.models import Case, CaseLog
from yiwang.core.models import Event
from yiwang.workflow.models import Task

CASES_SOURCE = Path(selectors.__file__).parent
# `_record(..., action="x")` and `case.move("x")` in the services, whether one module or a package.
WRITTEN = re.compile(r'(?:action=|\.move\()"([a-z_]+)"')
# The one computed action: task_complete writes f"task_{outcome}".
TASK_OUTCOMES = ("agree", "disagree", "return", "answer")


def test_every_action_has_every_attribute():
    for action in Action:
        assert str(action.label).strip(), action
        assert action.applicant_label is None or str(action.applicant_label).strip(), action
        assert action.applicant_sees is (action.applicant_label is not None), action
        assert isinstance(action.opinion_withheld, bool), action
        assert not action.opinion_withheld or action.applicant_sees, action  # withheld only from who sees it
        assert action.event is None or action.event.startswith("case."), action


def test_every_action_the_services_write_is_a_member():
    sources = [CASES_SOURCE / "services.py", *sorted((CASES_SOURCE / "services").glob("**/*.py"))]
    written = {name for path in sources if path.exists() for name in WRITTEN.findall(path.read_text())}
    written |= {f"task_{outcome}" for outcome in TASK_OUTCOMES}
    assert len(written) > 20  # the scan found the services
    assert written <= set(Action.values), written - set(Action.values)
    assert set(Case.TRANSITIONS) <= set(Action.values)


def test_a_lifecycle_logs_members_and_emits_their_events(
    submitted, clerk, enterprise_agent, samr_reviewer, urban_reviewer
):
    services.case_request_correction(actor=clerk, case=submitted, points=["平面布局图缺少比例尺"])
    case = services.case_resubmit(actor=enterprise_agent, case=submitted)
    case = services.case_accept(actor=clerk, case=case)
    reviewers = {"SAMR": samr_reviewer, "URBAN": urban_reviewer}
    for task in case.tasks.filter(status__in=Task.OPEN_STATES).select_related("department"):
        services.task_complete(actor=reviewers[task.department.kind], task=task, outcome="agree", opinion="符合")
    case = services.case_deliver(actor=clerk, case=decide(case))
    logged = [Action(a) for a in CaseLog.objects.filter(case=case).values_list("action", flat=True)]
    assert {Action.SUBMIT, Action.REQUEST_CORRECTION, Action.RESUBMIT, Action.TASK_AGREE, Action.GRANT} <= set(logged)
    emitted = set(Event.objects.values_list("type", flat=True))
    assert {a.event for a in logged if a.event} <= emitted
    assert case.status == Case.Status.DELIVERED
    # The applicant's timeline names each step by its applicant label and leaves the internal ones out.
    timeline = selectors.applicant_timeline(case)
    assert Action.PROPOSE not in {e.action for e in timeline}
    assert [e.label for e in timeline][:3] == ["提交申请", "一次性告知补正", "补正后重新提交"]

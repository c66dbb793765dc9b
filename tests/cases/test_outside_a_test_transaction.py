"""The services open their own transactions. Every other test runs inside the test's transaction, where an audit
entry written outside a service's would pass unnoticed (a decorator moved onto the wrong function did: the
decision page answered 500 in the browser only); these run the decision path with no enclosing transaction."""

import pytest

from tests.case_fixtures import decide
from yiwang.accounts.models import User
from yiwang.cases.models import Case
from yiwang.cases.services import task_complete
from yiwang.workflow.models import Task


def _all_departments_agree(case: Case) -> None:
    while tasks := list(case.tasks.filter(status__in=Task.OPEN_STATES).exclude(role=Task.Role.DECISION)):
        for task in tasks:
            reviewer = User.objects.get(username=f"hz-{task.department.kind.lower()}-reviewer")
            outcome = "answer" if task.role == Task.Role.CONSULTED else "agree"
            task_complete(actor=reviewer, task=task, outcome=outcome, opinion="同意")


@pytest.mark.parametrize("grant", [True, False], ids=["grant", "deny"])
def test_the_decision_path_runs_in_the_services_own_transactions(
    reference_data_restored, transactional_db, in_review, grant
):
    _all_departments_agree(in_review)
    decided = decide(in_review, grant=grant, reasons="" if grant else "经营场所不符合食品安全要求")
    assert decided.status == (Case.Status.GRANTED if grant else Case.Status.DENIED)

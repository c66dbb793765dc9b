"""How many queries each step of a case costs, so a change that adds reads or writes to a step fails here.

Each limit is what the step takes with the per-process caches warm (a first case runs through
before the measured one) and with each actor read afresh, as a request reads its user. What a transaction
buffers (audit entries, timeline, events, notifications: core.writebehind) is written at COMMIT: on
PostgreSQL in two statements, on SQLite in one per table plus the heads, so the limits differ by vendor.
Before the services were reworked (issue #11) the same steps took, on SQLite: submit 23, accept 35,
task_complete 15 (19 for a stage's last), propose 14, decide 23, deliver 13, and POST /api/v1/cases 44; after
the first rework, 16, 20, 11 (11), 12, 18, 11 and 23; with the write-behind, on PostgreSQL 10, 10, 8 (8), 9, 11,
7 and 17."""

from django.db import connection

from tests.case_fixtures import food_form, uploads_for
from tests.cases.test_api_cases import bearer, post, submission_body
from yiwang.accounts.models import User
from yiwang.cases import services
from yiwang.workflow.models import Task

# Vendor -> step -> the most queries it may take (transactions and savepoints counted).
LIMITS = {
    "postgresql": {
        "submit": 10,
        "accept": 10,
        "task_complete": 8,
        "task_complete_last": 8,
        "propose": 9,
        "decide": 11,
        "deliver": 7,
    },
    "sqlite": {
        "submit": 15,
        "accept": 14,
        "task_complete": 10,
        "task_complete_last": 10,
        "propose": 12,
        "decide": 15,
        "deliver": 11,
    },
}
HTTP_SUBMISSION_LIMIT = {"postgresql": 15, "sqlite": 20}


def _fresh(username: str) -> User:
    return User.objects.get(username=username)


def _case_through(restaurant, food_permit, key: str, assert_max=None):
    """One food permit case from submission to delivery, each step by its own actor read afresh; with
    `assert_max` (pytest-django's django_assert_max_num_queries), each step is held to its limit."""

    def step(name, call):
        if assert_max is None:
            return call()
        with assert_max(LIMITS[connection.vendor][name]):
            return call()

    agent, clerk = _fresh("enterprise"), _fresh("hz-gov_service-clerk")
    form, uploads = food_form(restaurant), uploads_for(food_permit)
    case = step(
        "submit",
        lambda: services.case_submit(
            actor=agent,
            implementation=food_permit,
            entity=restaurant,
            form_data=form,
            uploads=uploads,
            idempotency_key=key,
        ),
    )
    case = step("accept", lambda: services.case_accept(actor=clerk, case=case))
    urban = Task.objects.get(case=case, department__kind="URBAN")
    step(
        "task_complete",
        lambda: services.task_complete(actor=_fresh("hz-urban-reviewer"), task=urban, outcome="agree", opinion="同意"),
    )
    samr = Task.objects.get(case=case, department__kind="SAMR", role=Task.Role.LEAD)
    reviewer = _fresh("hz-samr-reviewer")
    step(
        "task_complete_last",
        lambda: services.task_complete(actor=reviewer, task=samr, outcome="agree", opinion="同意"),
    )
    reviewer = _fresh("hz-samr-reviewer")
    step("propose", lambda: services.case_propose(actor=reviewer, case=case, grant=True, reasons="符合条件"))
    head = _fresh("hz-samr-head")
    case = step("decide", lambda: services.case_decide(actor=head, case=case, grant=True))
    clerk = _fresh("hz-gov_service-clerk")
    step("deliver", lambda: services.case_deliver(actor=clerk, case=case, method="window"))
    return case


def test_each_step_of_a_case_stays_within_its_queries(monday, restaurant, food_permit, django_assert_max_num_queries):
    _case_through(restaurant, food_permit, "warm-up")
    _case_through(restaurant, food_permit, "measured", django_assert_max_num_queries)


def test_an_http_submission_stays_within_its_queries(
    monday, client, enterprise_agent, restaurant, food_permit, django_assert_max_num_queries
):
    agent = bearer(enterprise_agent)
    body = submission_body(client, agent, food_permit, restaurant)
    assert post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "http-warm-up"}, body).status_code == 201
    with django_assert_max_num_queries(HTTP_SUBMISSION_LIMIT[connection.vendor]):
        answer = post(client, "/api/v1/cases", {**agent, "Idempotency-Key": "http-measured"}, body)
    assert answer.status_code == 201, answer.content

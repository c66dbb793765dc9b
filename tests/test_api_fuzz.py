"""Schemathesis drives every /api/v1 operation with generated input: no 5xx, answers match the schema. Anonymously,
as an applicant and as a reviewer (each with an API token), over the data-sharing API as a department system (a
client-credentials token), and statefully: sequences that follow the schema's links (a case listed, then opened,
withdrawn or its delivery changed; a task listed, then claimed and completed), from a world that has cases and tasks.

Examples are bounded so the file runs in about a minute and a half on two cores."""

import base64
from urllib.parse import quote

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.case_fixtures import form_for, uploads_for
from yiwang.accounts.tokens import token_create
from yiwang.cases import services
from yiwang.catalog.models import ItemImplementation
from yiwang.config.wsgi import application
from yiwang.org.models import Department
from yiwang.registry.models import STORE_FIELDS
from yiwang.registry.services import sharing_client_register

PURPOSE = quote("食品经营许可现场核查前核对主体信息")


def _schema():
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _with_bearer(schema, **headers):
    """The schema with an auth provider that sends the running test's token, so Schemathesis knows which header
    is the authentication (and checks that a missing or wrong one is refused). Each test has its own database,
    hence its own token: nothing is cached between tests."""
    token = {}

    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case, ctx):
            return token.get("secret")  # None while collecting: no test, no token yet

        def set(self, case, data, ctx):
            case.headers = {**(case.headers or {}), **headers, "Authorization": f"Bearer {data}"}

    return schema, token


anonymous = _schema().exclude(path_regex="/sharing/")
as_applicant, applicant_token = _with_bearer(_schema().exclude(path_regex="/sharing/"))
as_reviewer, reviewer_token = _with_bearer(_schema().exclude(path_regex="/sharing/"))
# A department system states a purpose with every read; the purpose rules have their own tests in tests/registry.
# 效能 figures are 404 to the applicant and the reviewer above; a district's 效能监察 reads them.
as_supervisor, supervisor_token = _with_bearer(_schema().include(path_regex="/insights/"))
as_department_system, department_system_token = _with_bearer(
    _schema().include(path_regex="/sharing/"), **{"X-Purpose": PURPOSE}
)


# A signed-in caller's well-formed request is still refused (422, naming the field) when it names a file nobody
# uploaded, an item not offered here or a form its item rejects: rules the schema cannot carry. Anonymous calls
# and the sharing API keep the check.
BEYOND_THE_SCHEMA = [positive_data_acceptance]


def bounded(examples: int):
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


def _hold_the_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, whose request signals would close the database connection
    that holds the test's transaction (PostgreSQL then fails every query); Django's own test client
    disconnects them the same way."""
    _hold_the_connection()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _secret(user) -> str:
    _token, secret = token_create(actor=None, user=user, name="schemathesis")
    return secret


@pytest.fixture
def cases_and_tasks(monday, citizen, enterprise_agent, restaurant, food_permit, clerk):
    """The citizen's 结婚登记 waiting for acceptance, and a 食品经营许可 under review with open tasks for 海珠区's
    reviewers: the links have something to follow."""
    marriage = ItemImplementation.objects.get(code="R040-440105")
    services.case_submit(
        actor=citizen,
        implementation=marriage,
        person=citizen.person,
        form_data=form_for(marriage, person=citizen.person),
        uploads=uploads_for(marriage),
    )
    food = services.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=restaurant,
        form_data=form_for(food_permit, entity=restaurant),
        uploads=uploads_for(food_permit),
    )
    services.case_accept(actor=clerk, case=food)


@pytest.fixture
def applicant(cases_and_tasks, citizen):
    applicant_token["secret"] = _secret(citizen)


@pytest.fixture
def reviewer(cases_and_tasks, samr_reviewer):
    reviewer_token["secret"] = _secret(samr_reviewer)


@pytest.fixture
def insights_reader(cases_and_tasks, supervisor):
    supervisor_token["secret"] = _secret(supervisor)


@pytest.fixture
def department_system(client, restaurant):
    """A sharing client granted every store and field, with an allowance the fuzzer does not spend."""
    every_field = {store: list(fields) for store, fields in STORE_FIELDS.items()}
    _client, client_id, secret = sharing_client_register(
        actor=None,
        name="区卫健委业务系统",
        department=Department.objects.get(kind="HEALTH", region__code="440105"),
        scopes=every_field,
        rate_per_minute=100_000,
    )
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = client.post(
        "/o/token/", {"grant_type": "client_credentials", "scope": "sharing"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    _hold_the_connection()  # the test client connected the signals again after its request
    department_system_token["secret"] = answer.json()["access_token"]


@pytest.mark.django_db
@anonymous.parametrize()
@bounded(4)
def test_anonymously(case):
    case.call_and_validate()


@pytest.mark.django_db
@as_applicant.parametrize()
@bounded(5)
def test_as_an_applicant(case, applicant):
    case.call_and_validate(excluded_checks=BEYOND_THE_SCHEMA)


@pytest.mark.django_db
@as_reviewer.parametrize()
@bounded(5)
def test_as_a_reviewer(case, reviewer):
    case.call_and_validate(excluded_checks=BEYOND_THE_SCHEMA)


@pytest.mark.django_db
@as_supervisor.parametrize()
@bounded(40)
def test_the_insights_api_as_a_supervisor(case, insights_reader):
    case.call_and_validate(excluded_checks=BEYOND_THE_SCHEMA)


@pytest.mark.django_db
@as_department_system.parametrize()
@bounded(15)
def test_the_sharing_api_as_a_department_system(case, department_system):
    case.call_and_validate()


def _sequences(schema):
    class Sequences(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=BEYOND_THE_SCHEMA, transport_kwargs=kwargs)

    Sequences.run(settings=settings(bounded(6), stateful_step_count=5))


@pytest.mark.django_db
def test_link_following_sequences_as_an_applicant(applicant):
    _sequences(as_applicant)


@pytest.mark.django_db
def test_link_following_sequences_as_a_reviewer(reviewer):
    _sequences(as_reviewer)


def test_the_sharing_api_documents_the_purpose_header_as_required(client):
    """Found by Schemathesis: the document called X-Purpose optional, so a request without one was valid by the
    schema, and answered 422."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    sharing_operations = [ops["get"] for path, ops in paths.items() if path.startswith("/api/v1/sharing/")]
    assert len(sharing_operations) == 4
    for operation in sharing_operations:
        purpose = [p for p in operation["parameters"] if p["name"] == "X-Purpose"]
        assert purpose == [{**purpose[0], "in": "header", "required": True}]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_bad_input_in_the_error_shape(client, applicant):
    """Found by Schemathesis: ninja answered an unparsable JSON body 400 "Cannot parse request body", a status the
    document does not declare, in English."""
    answer = client.post(
        "/api/v1/cases/440105-20261123-00001/withdrawal",
        data=b"w%",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {applicant_token['secret']}",
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == {
        "code": "validation_failed",
        "message": answer.json()["error"]["message"],
        "fields": {"__all__": ["不是有效的 JSON"]},
    }

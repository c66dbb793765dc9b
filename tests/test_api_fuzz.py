"""Schemathesis drives every /api/v1 operation with generated input: no 5xx, answers match the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from yiwang.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case):
    case.call_and_validate()

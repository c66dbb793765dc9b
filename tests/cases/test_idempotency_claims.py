"""A repeated Idempotency-Key answers with the first case: case_submit looks for it only when the key's claim is
found taken, so cases from before claims (core 0004) get theirs from cases migration 0009."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError

from tests.case_fixtures import submit_as_entity
from yiwang.cases.models import Case
from yiwang.core.models import IdempotencyKey

migration = importlib.import_module("yiwang.cases.migrations.0009_claim_idempotency_keys_of_earlier_cases")


def test_a_case_from_before_claims_is_found_once_the_migration_claimed_its_key(
    monday, enterprise_agent, restaurant, food_permit
):
    first = submit_as_entity(enterprise_agent, restaurant, food_permit, "legacy-1")
    IdempotencyKey.objects.filter(key="legacy-1").delete()  # as a case submitted before core 0004
    with pytest.raises(IntegrityError):
        submit_as_entity(enterprise_agent, restaurant, food_permit, "legacy-1")
    migration.claim(apps, None)
    again = submit_as_entity(enterprise_agent, restaurant, food_permit, "legacy-1")
    assert again.pk == first.pk and again.repeated
    assert Case.objects.filter(idempotency_key="legacy-1").count() == 1
    assert IdempotencyKey.objects.filter(user=enterprise_agent, key="legacy-1").count() == 1

"""Issue #10: API tokens had no scope and no expiry. A token now carries scopes (read, apply, review), expires
(90 days by default, a year at most), and a call without the needed scope answers 403 in the API's error shape."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from ninja.constants import NOT_SET

from yiwang.accounts.auth import WRITE_SCOPES
from yiwang.accounts.models import ApiToken
from yiwang.accounts.tokens import token_create, token_find
from yiwang.config.api import api
from yiwang.core.auth import token_auth
from yiwang.core.errors import ValidationFailed


def close_to(expected: dt.datetime):
    return lambda actual: abs(actual - expected) < dt.timedelta(seconds=5)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_expires_after_90_days_by_default_and_answers_401(client, citizen):
    token, secret = token_create(actor=citizen, user=citizen, name="脚本")
    assert close_to(timezone.now() + dt.timedelta(days=90))(token.expires_at)
    with time_machine.travel(dt.timedelta(days=89)):
        assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    with time_machine.travel(dt.timedelta(days=90, seconds=10)):
        late = client.get("/api/v1/cases", headers=bearer(secret))
    assert late.status_code == 401
    assert late.json() == {"error": {"code": "unauthenticated", "message": "请先登录"}}


def test_a_lifetime_over_a_year_or_an_unknown_scope_is_refused(citizen):
    with pytest.raises(ValidationFailed) as exc:
        token_create(actor=citizen, user=citizen, name="脚本", days=366, scopes=["read", "admin"])
    assert set(exc.value.fields) == {"days", "scopes"}
    with pytest.raises(ValidationFailed):
        token_create(actor=citizen, user=citizen, name="脚本", scopes=[])
    token, _secret = token_create(actor=citizen, user=citizen, name="脚本", days=365, scopes=["read"])
    assert token.scopes == ["read"]


def test_defaults_follow_the_users_job(citizen, clerk):
    assert token_create(actor=citizen, user=citizen, name="申报")[0].scopes == ["apply", "read"]
    assert token_create(actor=clerk, user=clerk, name="受理")[0].scopes == ["read", "review"]


def test_a_read_only_token_cannot_submit_and_gets_403_in_the_error_shape(client, citizen):
    _token, secret = token_create(actor=citizen, user=citizen, name="只读", scopes=["read"])
    assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    answer = client.post("/api/v1/cases", {}, content_type="application/json", headers=bearer(secret))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "permission_denied" and "申报" in answer.json()["error"]["message"]


def test_an_applicant_token_cannot_make_staff_acts_and_a_review_token_cannot_apply(client, clerk):
    _token, review = token_create(actor=clerk, user=clerk, name="受理", scopes=["read", "review"])
    _token, apply_only = token_create(actor=clerk, user=clerk, name="申报", scopes=["apply"])
    accept = "/api/v1/cases/NO-SUCH-CASE/accept"
    # With the scope the call passes authentication and reaches the case lookup (404); without it, 403.
    assert client.post(accept, headers=bearer(review)).status_code == 404
    assert client.post(accept, headers=bearer(apply_only)).status_code == 403
    assert client.post("/api/v1/materials", headers=bearer(review)).status_code == 403
    assert client.get("/api/v1/tasks", headers=bearer(apply_only)).status_code == 403


def test_every_write_a_token_can_reach_is_classified_by_scope():
    api.urls  # noqa: B018 — binds the routers' operations
    unclassified = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                auth = operation.auth_param if operation.auth_param is not NOT_SET else router.auth
                auth = auth if isinstance(auth, list | tuple) else [auth]
                writes = set(operation.methods) - {"GET", "HEAD", "OPTIONS"}
                if token_auth in auth and writes and path.rstrip("/").rsplit("/", 1)[-1] not in WRITE_SCOPES:
                    unclassified.append(f"{writes} {prefix}{path}")
    assert not unclassified


def test_the_command_sets_scopes_and_lifetime(clerk, capsys):
    call_command("token", "create", clerk.username, "--name", "窗口对接", "--scope", "review", "--days", "30")
    out, err = capsys.readouterr()
    token = token_find(out.strip())
    assert token.scopes == ["review"] and "权限范围 review" in err
    assert close_to(timezone.now() + dt.timedelta(days=30))(token.expires_at)
    with pytest.raises(CommandError, match="有效期"):
        call_command("token", "create", clerk.username, "--name", "x", "--days", "400")


def test_the_migration_gives_existing_tokens_their_jobs_scopes_and_an_expiry(citizen, clerk):
    migration = importlib.import_module("yiwang.accounts.migrations.0005_api_token_scopes_and_expiry")
    old = [token_create(actor=None, user=user, name="旧令牌", days=3650 // 10)[0] for user in (citizen, clerk)]
    ApiToken.objects.filter(pk__in=[t.pk for t in old]).update(scopes=[])
    migration.scope_existing_tokens(apps, None)
    citizen_token, clerk_token = (ApiToken.objects.get(pk=t.pk) for t in old)
    assert citizen_token.scopes == ["apply", "read"] and clerk_token.scopes == ["read", "review"]
    assert close_to(timezone.now() + dt.timedelta(days=90))(citizen_token.expires_at)

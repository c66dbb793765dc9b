"""API tokens: shown once, stored hashed, revoked by prefix, checked on every call, touched once a minute."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.case_fixtures import MONDAY
from yiwang.accounts.models import ApiToken
from yiwang.accounts.tokens import token_create, token_revoke, token_user
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(citizen):
    token, secret = token_create(actor=citizen, user=citizen, name="我的脚本")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.prefix == secret[:8] and len(secret) == 40 and secret.isalnum()
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert token_user(secret) == citizen
    assert token_user(secret[:-1] + ("a" if secret[-1] != "a" else "b")) is None
    assert AuditEntry.objects.filter(action="token.create", data__prefix=token.prefix).exists()


def test_only_the_user_themself_or_a_superuser_manages_tokens(citizen, enterprise_agent, superuser):
    with pytest.raises(PermissionDenied):
        token_create(actor=enterprise_agent, user=citizen, name="x")
    token, _secret = token_create(actor=superuser, user=citizen, name="运维代建")
    with pytest.raises(NotFound):
        token_revoke(actor=enterprise_agent, prefix=token.prefix)
    with pytest.raises(ValidationFailed):
        token_create(actor=citizen, user=citizen, name="  ")


def test_a_revoked_token_or_a_deactivated_user_authenticates_nobody(citizen):
    token, secret = token_create(actor=citizen, user=citizen, name="脚本")
    citizen.is_active = False
    citizen.save()
    assert token_user(secret) is None
    citizen.is_active = True
    citizen.save()
    token_revoke(actor=citizen, prefix=token.prefix)
    assert token_user(secret) is None
    with pytest.raises(Conflict):
        token_revoke(actor=citizen, prefix=token.prefix)


def test_last_used_is_written_at_most_once_a_minute(citizen):
    with time_machine.travel(MONDAY, tick=False) as clock:
        token, secret = token_create(actor=citizen, user=citizen, name="脚本")
        token_user(secret)
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        assert first == MONDAY
        clock.shift(dt.timedelta(seconds=59))
        token_user(secret)
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
        clock.shift(dt.timedelta(seconds=1))
        token_user(secret)
        assert ApiToken.objects.get(pk=token.pk).last_used_at == MONDAY + dt.timedelta(minutes=1)


def test_the_command_prints_the_secret_once_and_revokes_by_prefix(citizen, capsys):
    call_command("token", "create", "citizen", "--name", "对接测试")
    out, err = capsys.readouterr()
    secret = out.strip()
    token = ApiToken.objects.get(user=citizen)
    assert token.name == "对接测试" and secret.startswith(token.prefix) and "无法再次查看" in err
    assert token_user(secret) == citizen
    call_command("token", "revoke", token.prefix)
    assert "已吊销" in capsys.readouterr().out
    assert token_user(secret) is None
    with pytest.raises(CommandError, match="已吊销"):
        call_command("token", "revoke", token.prefix)
    with pytest.raises(CommandError, match="没有用户"):
        call_command("token", "create", "nobody-here", "--name", "x")


def test_over_http_a_bad_or_revoked_token_answers_401_in_the_error_shape(client, citizen):
    token, secret = token_create(actor=citizen, user=citizen, name="脚本")
    assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200
    bad = client.get("/api/v1/cases", headers=bearer("not-a-token"))
    assert bad.status_code == 401
    assert bad.json() == {"error": {"code": "unauthenticated", "message": "请先登录"}}
    token_revoke(actor=citizen, prefix=token.prefix)
    revoked = client.get("/api/v1/cases", headers=bearer(secret))
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/cases").status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(client, citizen):
    """A caller who presents a token means that token; a wrong one is refused even with a session cookie."""
    client.force_login(citizen)
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get("/api/v1/cases", headers=bearer("wrong")).status_code == 401

"""Issue #10, OAuth: clients registered by platform administrators only, no password grant, PKCE S256 only,
introspection of a client's own tokens, tokens kept only as checksums, refresh tokens that rotate and expire."""

import base64
import datetime as dt
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from authlib.common.security import generate_token
from django.contrib.auth.models import Permission
from django.test import Client
from oauth2_provider.models import AccessToken, Application, RefreshToken

from tests.accounts.test_oidc import BASE, REDIRECT, browser_login, relying_party
from yiwang.accounts.models import User


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def confidential_app(name: str, grant: str, **extra) -> tuple[Application, str]:
    """A client row written straight to the table, as one registered before this fix would be."""
    secret = secrets.token_urlsafe(24)
    app = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant,
        redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        skip_authorization=True,
        **extra,
    )
    return app, secret


def client_token(http, app: Application, secret: str) -> str:
    answer = http.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic(app.client_id, secret)
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


@pytest.fixture
def department_system(db):
    return confidential_app("市场监管业务系统", Application.GRANT_AUTHORIZATION_CODE)


def logged_in_tokens(app, secret) -> tuple[dict, object]:
    session = relying_party(app, secret)
    verifier = generate_token(48)
    authorize_url, _state = session.create_authorization_url(f"{BASE}/o/authorize/", code_verifier=verifier)
    callback = browser_login(authorize_url, "hz-samr-reviewer")
    return session.fetch_token(f"{BASE}/o/token/", authorization_response=callback, code_verifier=verifier), session


def refresh(http, app, secret, refresh_token: str):
    return http.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=basic(app.client_id, secret),
    )


# Applications: the admin, for platform administrators, without the password grant.


def test_only_a_platform_administrator_registers_a_client_even_with_model_permissions(client, catalog_admin):
    """A department's administrator reaches the admin (is_staff); granted every application permission, she
    still cannot list, add or change clients: a client receives any staff member's identity."""
    catalog_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="oauth2_provider"))
    catalog_admin = User.objects.get(pk=catalog_admin.pk)
    client.force_login(catalog_admin)
    assert client.get("/admin/oauth2_provider/application/").status_code == 403
    answer = client.post(
        "/admin/oauth2_provider/application/add/",
        {
            "name": "广州市统一身份认证平台",
            "client_type": "confidential",
            "authorization_grant_type": "authorization-code",
        },
    )
    assert answer.status_code == 403
    assert not Application.objects.filter(name="广州市统一身份认证平台").exists()


def admin_add(client, grant: str, client_type: str = "confidential"):
    return client.post(
        "/admin/oauth2_provider/application/add/",
        {
            "client_id": "hz-samr-system",
            "client_secret": secrets.token_urlsafe(24),
            "hash_client_secret": "on",
            "name": "市场监管业务系统",
            "client_type": client_type,
            "authorization_grant_type": grant,
            "redirect_uris": REDIRECT,
            "post_logout_redirect_uris": "",
            "allowed_origins": "",
            "algorithm": "RS256",
        },
    )


@pytest.mark.parametrize("grant", ["password", "implicit", "openid-hybrid"])
def test_the_admin_refuses_a_client_with_the_password_implicit_or_hybrid_grant(client, superuser, grant):
    client.force_login(superuser)
    form = client.get("/admin/oauth2_provider/application/add/").content.decode()
    assert 'value="password"' not in form and 'value="authorization-code"' in form
    answer = admin_add(client, grant)
    assert answer.status_code == 200 and answer.context["adminform"].form.errors["authorization_grant_type"]
    assert not Application.objects.filter(client_id="hz-samr-system").exists()


def test_the_admin_registers_an_authorization_code_client_and_no_public_client_credentials(client, superuser):
    client.force_login(superuser)
    answer = admin_add(client, "client-credentials", client_type="public")
    assert answer.status_code == 200 and answer.context["adminform"].form.errors["client_type"]
    assert admin_add(client, "authorization-code").status_code == 302
    assert Application.objects.get(client_id="hz-samr-system").authorization_grant_type == "authorization-code"


def test_the_token_endpoint_refuses_the_password_grant_even_for_a_legacy_client(client, superuser):
    """The issue's attack: a client registered with the password grant guessed the admin's password at
    /o/token/. The row may still exist; the endpoint answers an error and issues nothing, right password or not."""
    app, secret = confidential_app("旧客户端", Application.GRANT_PASSWORD)
    answer = client.post(
        "/o/token/",
        {"grant_type": "password", "username": "admin", "password": "yiwang-demo"},
        HTTP_AUTHORIZATION=basic(app.client_id, secret),
    )
    assert answer.status_code in (400, 401) and answer.json()["error"] in {"unauthorized_client", "invalid_grant"}
    assert "access_token" not in answer.json()
    assert not AccessToken.objects.filter(application=app).exists()


# PKCE: S256 only, and required.


def test_pkce_plain_is_refused(department_system):
    app, _secret = department_system
    browser = Client()
    browser.force_login(User.objects.get(username="hz-samr-reviewer"))
    answer = browser.get(
        "/o/authorize/",
        {
            "client_id": app.client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": REDIRECT,
            "code_challenge": generate_token(48),
            "code_challenge_method": "plain",
        },
    )
    assert answer.status_code in (302, 400)
    if answer.status_code == 302:
        query = parse_qs(urlsplit(answer["Location"]).query)
        assert query["error"] == ["invalid_request"] and "code" not in query
    assert not app.grant_set.exists()
    metadata = Client().get("/o/.well-known/openid-configuration").json()
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "password" not in metadata.get("grant_types_supported", [])


# Introspection: a client's own tokens only.


def test_a_client_cannot_introspect_another_clients_token(client, db):
    a, a_secret = confidential_app("甲系统", Application.GRANT_CLIENT_CREDENTIALS)
    b, b_secret = confidential_app("乙系统", Application.GRANT_CLIENT_CREDENTIALS)
    token = client_token(client, a, a_secret)
    theirs = client.post("/o/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic(b.client_id, b_secret))
    assert theirs.status_code == 200 and theirs.json() == {"active": False}
    own = client.post("/o/introspect/", {"token": token}, HTTP_AUTHORIZATION=basic(a.client_id, a_secret))
    assert own.status_code == 200 and own.json()["active"] is True and own.json()["client_id"] == a.client_id
    assert client.post("/o/introspect/", {"token": token}).status_code == 403


# Tokens at rest: checksums only.


def test_access_and_refresh_tokens_are_not_recoverable_from_the_database(department_system):
    app, secret = department_system
    token, session = logged_in_tokens(app, secret)
    access = AccessToken.objects.get(token_checksum=hashlib.sha256(token["access_token"].encode()).hexdigest())
    refresh_row = RefreshToken.objects.get(token_checksum=hashlib.sha256(token["refresh_token"].encode()).hexdigest())
    assert access.token == "" and refresh_row.token == ""
    stored = str(list(AccessToken.objects.values())) + str(list(RefreshToken.objects.values()))
    assert token["access_token"] not in stored and token["refresh_token"] not in stored
    assert session.get(f"{BASE}/o/userinfo/").status_code == 200


# Refresh tokens: rotation with replay protection, and an expiry.


def test_a_refresh_token_rotates_and_a_replayed_one_kills_the_family(client, department_system):
    app, secret = department_system
    token, _session = logged_in_tokens(app, secret)
    first = refresh(client, app, secret, token["refresh_token"])
    assert first.status_code == 200, first.content
    rotated = first.json()["refresh_token"]
    assert rotated != token["refresh_token"]
    replay = refresh(client, app, secret, token["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # Only a thief holds the old token once it has been replaced: the whole family is revoked.
    assert refresh(client, app, secret, rotated).json()["error"] == "invalid_grant"


def test_an_expired_refresh_token_is_refused(client, department_system):
    app, secret = department_system
    token, _session = logged_in_tokens(app, secret)
    with time_machine.travel(dt.timedelta(days=31, hours=2)):
        late = refresh(client, app, secret, token["refresh_token"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_a_refresh_token_within_its_lifetime_still_works(client, department_system):
    app, secret = department_system
    token, _session = logged_in_tokens(app, secret)
    with time_machine.travel(dt.timedelta(days=29)):
        assert refresh(client, app, secret, token["refresh_token"]).status_code == 200

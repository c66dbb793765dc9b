"""Single sign-on: a department system logs a staff member in through the platform's OpenID Connect provider.

The relying party is Authlib (requests client) and joserfc, not our code. Its HTTP calls reach Django through
a requests adapter onto django.test.Client; the browser steps (authorize, log in) use another Client.
"""

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet
from oauth2_provider.models import Application
from requests.structures import CaseInsensitiveDict

from yiwang.accounts.demo import DEMO_PASSWORD
from yiwang.accounts.models import User

BASE = "http://testserver"
REDIRECT = "https://samr-system.example/callback"


class DjangoClientAdapter(requests.adapters.BaseAdapter):
    """Serve a requests.Session from the Django test client instead of the network."""

    def __init__(self):
        super().__init__()
        self.client = Client()

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-type", "content-length"}}
        answer = self.client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.content
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def department_system(db):
    """海珠区市场监管's business system, registered as a confidential client (as in the admin)."""
    secret = secrets.token_urlsafe(24)
    app = Application.objects.create(
        name="市场监管业务系统",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        skip_authorization=True,  # a government system trusted by the platform: no consent screen
    )
    return app, secret


def relying_party(app, secret) -> OAuth2Session:
    session = OAuth2Session(
        app.client_id,
        secret,
        scope="openid profile",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    session.mount(BASE, DjangoClientAdapter())
    return session


def browser_login(authorize_url: str, username: str) -> str:
    """The staff member's browser: authorize, get sent to log in, log in, come back; returns the callback URL."""
    browser = Client()
    answer = browser.get(authorize_url)
    assert answer.status_code == 302
    login_url = answer["Location"]
    assert urlsplit(login_url).path == "/accounts/login/"
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    answer = browser.post(login_url, {"username": username, "password": DEMO_PASSWORD, "next": next_url})
    assert answer.status_code == 302 and answer["Location"] == next_url
    answer = browser.get(next_url)
    assert answer.status_code == 302
    return answer["Location"]


def test_discovery_and_jwks_are_published(department_system):
    session = relying_party(*department_system)
    config = session.get(f"{BASE}/o/.well-known/openid-configuration", withhold_token=True).json()
    assert config["issuer"] == f"{BASE}/o"
    assert "S256" in config["code_challenge_methods_supported"]
    assert {"openid", "profile"} <= set(config["scopes_supported"])
    keys = session.get(config["jwks_uri"], withhold_token=True).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_full_login_gives_verified_claims_with_department_region_and_roles(department_system, samr_reviewer):
    app, secret = department_system
    session = relying_party(app, secret)
    config = session.get(f"{BASE}/o/.well-known/openid-configuration", withhold_token=True).json()
    verifier, nonce = generate_token(48), generate_token(20)
    authorize_url, state = session.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    assert "code_challenge=" in authorize_url
    callback = browser_login(authorize_url, "hz-samr-reviewer")
    assert callback.startswith(REDIRECT) and parse_qs(urlsplit(callback).query)["state"] == [state]

    token = session.fetch_token(config["token_endpoint"], authorization_response=callback, code_verifier=verifier)

    keyset = KeySet.import_key_set(session.get(config["jwks_uri"], withhold_token=True).json())
    id_token = jwt.decode(token["id_token"], keyset, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": config["issuer"]},
        aud={"essential": True, "value": app.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True, "value": str(samr_reviewer.pk)},
        exp={"essential": True},
    ).validate(id_token.claims)
    role = samr_reviewer.staff_roles.get()
    expected = {
        "department": role.department.code,
        "department_name": role.department.name,
        "region": role.region.code,
        "roles": ["reviewer"],
    }
    assert {k: id_token.claims[k] for k in expected} == expected
    assert id_token.claims["staff_roles"][0]["role"] == "reviewer"

    info = session.get(config["userinfo_endpoint"]).json()
    assert info["sub"] == str(samr_reviewer.pk)
    assert {k: info[k] for k in expected} == expected
    assert info["name"] == str(samr_reviewer)

    # A forged nonce (a token replayed into another login) fails the relying party's validation.
    with pytest.raises(InvalidClaimError):
        jwt.JWTClaimsRegistry(nonce={"essential": True, "value": "other"}).validate(id_token.claims)


def test_a_wrong_pkce_verifier_gets_no_token(department_system):
    session = relying_party(*department_system)
    verifier = generate_token(48)
    authorize_url, _ = session.create_authorization_url(f"{BASE}/o/authorize/", code_verifier=verifier)
    callback = browser_login(authorize_url, "hz-samr-reviewer")
    with pytest.raises(OAuthError) as exc:
        session.fetch_token(f"{BASE}/o/token/", authorization_response=callback, code_verifier=generate_token(48))
    assert exc.value.error == "invalid_grant"


def test_pkce_is_required(department_system):
    app, _ = department_system
    browser = Client()
    # force_login: django-axes needs the request that Client.login does not pass to authenticate().
    browser.force_login(User.objects.get(username="hz-samr-reviewer"))
    answer = browser.get(
        "/o/authorize/",
        {"client_id": app.client_id, "response_type": "code", "scope": "openid", "redirect_uri": REDIRECT},
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/o/applications/", "/o/applications/register/", "/o/authorized_tokens/", "/o/register/", "/o/device/"],
)
def test_nobody_registers_a_client_or_starts_a_device_flow_outside_the_admin(client, citizen, path):
    """Issue #10: a signed-in citizen registered a client with the password grant and a look-alike name at
    /o/applications/register/. Clients are registered by platform administrators in the admin."""
    client.force_login(citizen)
    assert client.get(path).status_code == 404
    assert (
        client.post(path, {"name": "广州市统一身份认证平台", "authorization_grant_type": "password"}).status_code == 404
    )
    assert not Application.objects.filter(name="广州市统一身份认证平台").exists()

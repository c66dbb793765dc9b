"""A registered sharing client and the full client-credentials exchange at /o/token/."""

import base64
from urllib.parse import quote

import pytest

from yiwang.org.models import Department
from yiwang.registry.services import sharing_client_register

PURPOSE = "食品经营许可现场核查前核对主体信息"
ENTITY_FIELDS = ["uscc", "name", "business_scope"]


@pytest.fixture
def health_department(db):
    return Department.objects.get(kind="HEALTH", region__code="440105")


def register(department, *, scopes, rate=60):
    return sharing_client_register(
        actor=None, name="区卫健委业务系统", department=department, scopes=scopes, rate_per_minute=rate
    )


def fetch_token(http, client_id: str, secret: str, scope: str = "sharing") -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = http.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["token_type"] == "Bearer"
    return body["access_token"]


def read(http, path: str, token: str, purpose: str | None = PURPOSE):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if purpose is not None:
        headers["HTTP_X_PURPOSE"] = quote(purpose)
    return http.get(f"/api/v1/sharing{path}", **headers)


@pytest.fixture
def entity_reader(health_department, client):
    """A client granted three fields of the entity register and nothing else, with its token."""
    sharing, client_id, secret = register(health_department, scopes={"entities": ENTITY_FIELDS}, rate=5)
    return sharing, fetch_token(client, client_id, secret)

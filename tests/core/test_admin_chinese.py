"""The admin in Chinese: every label a superuser reads on the index and every changelist is Chinese.

Data (usernames, codes, audit action names) may be Latin; labels may not. The crawl reads only where Django puts
labels: titles, breadcrumbs, app captions, model names, column headers, filter titles and choices, action names.
"""

import re

import pytest

# Latin words a Chinese label may rightly carry.
ALLOWED = {"OpenID", "Connect", "OIDC", "SM2", "SM3", "API", "URL", "JSON", "PDF", "USCC", "ID", "RSA", "HMAC", "SHA"}
# What third-party apps and Django said before they were given Chinese names.
KNOWN_ENGLISH = [
    "Django OAuth Toolkit",
    "Tasks Database Backend",
    "Task Result",
    "Access tokens",
    "Refresh tokens",
    "Id tokens",
    "Applications",
    "Grants",
    "Model name",
    "Add link",
    "Change or view list link",
    "client type",
    "authorization grant type",
    "queue name",
]
LABELS = [
    r"<title>(.*?)</title>",
    r"<caption>(.*?)</caption>",
    r'<th scope="col"[^>]*>(.*?)</th>',
    r'<div class="breadcrumbs">(.*?)</div>',
    r'<nav id="changelist-filter"[^>]*>(.*?)</nav>',
    r'<option value="[a-z_]+">(.*?)</option>',
    r"<h1>(.*?)</h1>",
]
# Lists whose filter offers data, not labels: the audit chain's action names (catalog.publish …) are hashed into it;
# the login log's filters list the recorded browsers' user agents.
CODE_FILTERS = {"/admin/core/auditentry/", "/admin/axes/accesslog/"}
INDEX_LABELS = [r'<th scope="row"[^>]*>(.*?)</th>']


def _english_in(html: str, patterns: list[str]) -> set[str]:
    found = set()
    for pattern in patterns:
        for label in re.findall(pattern, html, re.S):
            text = re.sub(r"<[^>]+>|&[a-z]+;", " ", label)
            found |= {word for word in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text) if word not in ALLOWED}
    return found


def _changelists(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/admin/[a-z_0-9]+/[a-z_0-9]+/)"', html)))


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_admin_index_names_every_app_and_model_in_chinese(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "单点登录（OpenID Connect）" in html and "后台任务队列" in html and "访问令牌" in html
    assert _english_in(html, LABELS + INDEX_LABELS) == set()
    assert [s for s in KNOWN_ENGLISH if s in html] == []


def test_every_changelist_labels_its_columns_filters_and_actions_in_chinese(admin_client):
    urls = _changelists(admin_client.get("/admin/").content.decode())
    assert "/admin/oauth2_provider/application/" in urls and "/admin/django_tasks_database/dbtaskresult/" in urls
    english = {}
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        labels = [p for p in LABELS if url not in CODE_FILTERS or "changelist-filter" not in p]
        words = _english_in(html, labels) | {s for s in KNOWN_ENGLISH if s in html}
        if words:
            english[url] = sorted(words)
    assert english == {}, english


def test_third_party_choices_read_in_chinese(admin_client):
    html = admin_client.get("/admin/oauth2_provider/application/").content.decode()
    assert "授权码模式" in html and "机密客户端" in html and "客户端类型" in html
    html = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "待执行" in html and "队列" in html
    html = admin_client.get("/admin/workflow/task/").content.decode()
    assert "市场监督管理局" in html and ">SAMR<" not in html  # department kinds by name

"""django-axes on every login: the site's and the admin's. Five failures for one username from one address lock
it; a success before that starts the count again."""

import re
from urllib.parse import urlsplit

import pytest
from oauth2_provider.models import Application

from tests.accounts.test_oauth_hardening import confidential_app
from tests.accounts.test_oidc import REDIRECT
from yiwang.accounts import sms
from yiwang.accounts.demo import DEMO_PASSWORD
from yiwang.accounts.services import CODE_MAX_ATTEMPTS

pytestmark = pytest.mark.django_db


def _login(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_five_failures_lock_the_site_login_with_a_chinese_page(client, citizen):
    for _ in range(4):
        assert _login(client, "citizen", "wrong").status_code == 200
    locked = _login(client, "citizen", "wrong")
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    # Locked: even the right password is refused now.
    again = _login(client, "citizen", DEMO_PASSWORD)
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert _login(client, "citizen2", DEMO_PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, citizen):
    for _ in range(4):
        _login(client, "citizen", "wrong")
    assert _login(client, "citizen", DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "citizen", "wrong").status_code == 200
    assert _login(client, "citizen", DEMO_PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, superuser):
    for _ in range(5):
        _login(client, "admin", "wrong", "/admin/login/")
    assert _login(client, "admin", DEMO_PASSWORD, "/admin/login/").status_code == 429


def test_the_login_an_openid_client_sends_staff_to_is_throttled(client, samr_reviewer):
    """A department system's authorize request sends the browser to the site's login, which django-axes guards."""

    app, _secret = confidential_app("市场监管业务系统", Application.GRANT_AUTHORIZATION_CODE)
    answer = client.get(
        "/o/authorize/",
        {
            "client_id": app.client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": REDIRECT,
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    login = urlsplit(answer["Location"])
    assert login.path == "/accounts/login/"
    for _ in range(5):
        _login(client, "hz-samr-reviewer", "wrong", f"{login.path}?{login.query}")
    assert _login(client, "hz-samr-reviewer", DEMO_PASSWORD, f"{login.path}?{login.query}").status_code == 429


def test_guessing_a_password_reset_code_over_http_is_bounded(client, citizen, settings):
    """The SMS code is the other way into an account: five wrong guesses kill a code, and new codes are limited
    per number (django-ratelimit), so at most 5 × SMS_CODE_RATES["phone"] guesses an hour reach a number."""
    settings.SMS_CODE_RATES = {"phone": "2/h", "ip": "100/h"}
    sms.outbox.clear()
    reset = "/accounts/password/reset/"
    assert 'id="code-sent"' in client.post(reset, {"phone": citizen.phone, "action": "send_code"}).content.decode()
    right = re.search(r"\d{6}", sms.outbox[-1][1]).group(0)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    form = {"phone": citizen.phone, "password": "Ne1w-Passw0rd!", "password_again": "Ne1w-Passw0rd!"}
    for _ in range(CODE_MAX_ATTEMPTS):
        assert "验证码不正确" in client.post(reset, {**form, "code": wrong}).content.decode()
    assert "错误次数过多" in client.post(reset, {**form, "code": right}).content.decode()
    client.post(reset, {"phone": citizen.phone, "action": "send_code"})
    page = client.post(reset, {"phone": citizen.phone, "action": "send_code"}).content.decode()
    assert "过于频繁" in page and len(sms.outbox) == 2
    sms.outbox.clear()

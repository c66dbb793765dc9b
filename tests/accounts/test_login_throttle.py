"""django-axes on every login: the site's and the admin's. Five failures for one username from one address lock
it; a success before that starts the count again."""

import pytest

from yiwang.accounts.demo import DEMO_PASSWORD

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

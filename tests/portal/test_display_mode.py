"""长者模式 over HTTP: the header's toggle sets a cookie (no login needed) that every page then honours."""

import pytest

from yiwang.core.views import DISPLAY_COOKIE


@pytest.mark.django_db
def test_the_toggle_turns_elder_mode_on_and_off_without_login(client):
    html = client.get("/items/R005/").content.decode()
    assert '<html lang="zh-Hans">' in html and 'value="elder"' in html

    answer = client.post("/display/", {"mode": "elder", "next": "/items/R005/"})
    assert answer.status_code == 302 and answer["Location"] == "/items/R005/"
    assert client.cookies[DISPLAY_COOKIE].value == "elder"
    assert client.cookies[DISPLAY_COOKIE]["max-age"] == 365 * 24 * 3600
    for path in ("/", "/search/?q=餐饮", "/accounts/login/"):
        assert 'class="elder"' in client.get(path).content.decode(), path
    assert "退出长者模式" in client.get("/").content.decode()

    client.post("/display/", {"mode": "standard", "next": "/"})
    assert 'class="elder"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_toggle_never_redirects_off_site_and_ignores_unknown_modes(client):
    answer = client.post("/display/", {"mode": "elder", "next": "https://evil.example/"})
    assert answer["Location"] == "/"
    client.post("/display/", {"mode": "neon"})
    assert client.cookies[DISPLAY_COOKIE].value == "elder"  # unchanged
    assert client.get("/display/").status_code == 405


def test_elder_mode_keeps_its_session_across_login(client, citizen):
    client.post("/display/", {"mode": "elder"})
    client.force_login(citizen)
    assert 'class="elder"' in client.get("/cases/").content.decode()

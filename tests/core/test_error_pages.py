"""With DEBUG off (the demo, production, these tests) every error is a Chinese page in the site's style."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from yiwang.config import cli
from yiwang.config.management.commands.yiwang_demo import Command as DemoCommand

ENGLISH = ("Not Found", "Server Error", "Forbidden", "Bad Request", "CSRF verification failed", "Traceback")


def _chinese_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html and "12345" in html and "portal/portal.css" in html
    assert not any(word in html for word in ENGLISH), html
    return html


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_missing_page_is_the_chinese_404(failing):
    _chinese_page(failing.get("/no-such-page/"), 404, "未找到您要的页面")


@pytest.mark.django_db
def test_a_crash_is_the_chinese_500(failing):
    _chinese_page(failing.get("/boom/500/"), 500, "服务暂时不可用")


@pytest.mark.django_db
def test_a_refusal_is_the_chinese_403(failing):
    _chinese_page(failing.get("/boom/403/"), 403, "无权访问")


@pytest.mark.django_db
def test_a_bad_request_is_the_chinese_400(failing):
    _chinese_page(failing.get("/boom/400/"), 400, "请求有误")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_a_chinese_page(settings):
    client = Client(enforce_csrf_checks=True)
    _chinese_page(client.post("/accounts/login/", {"username": "x", "password": "y"}), 403, "页面已过期")


@pytest.mark.django_db
def test_the_500_page_renders_without_request_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "服务暂时不可用" in html and "一网通办" in html


def test_yiwang_demo_turns_debug_off_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    with pytest.raises(SystemExit):
        cli.main(["yiwang", "demo", "--help"])
    assert os.environ["DEBUG"] == "0"
    monkeypatch.setenv("DEBUG", "1")
    with pytest.raises(SystemExit):
        cli.main(["yiwang", "demo", "--help"])
    assert os.environ["DEBUG"] == "1"


def test_yiwang_demo_binds_to_yiwang_bind(monkeypatch):
    monkeypatch.setenv("YIWANG_BIND", "0.0.0.0:8123")
    options = DemoCommand().create_parser("yiwang", "demo").parse_args([])
    assert options.bind == "0.0.0.0:8123"


def test_make_demo_passes_yiwang_bind():
    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "demo", "YIWANG_BIND=0.0.0.0:8123", f"PYTHON={sys.executable}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "yiwang demo --bind 0.0.0.0:8123" in dry

"""Pages the journeys do not click through, opened in the browser under the strict Content-Security-Policy: the
admin (its change list, a change form with its widgets), the API docs (Swagger UI) and the guide's print button.
The page fixture fails a test on any refusal the browser reports."""

import pytest
from playwright.sync_api import expect

from .conftest import login, shot

pytestmark = pytest.mark.browser


def test_the_admin_works_under_the_policy(page, server_url):
    login(page, server_url, "admin")
    for path in (
        "/admin/",
        "/admin/catalog/serviceitem/",
        "/admin/accounts/user/",
        "/admin/catalog/itemversion/1/change/",
    ):
        page.goto(server_url + path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("#content")).to_be_visible()
    page.goto(server_url + "/admin/catalog/topic/add/")
    expect(page.locator("#content-main form")).to_be_visible()
    shot(page, "csp-admin-change-form")


def test_the_api_docs_render_under_the_policy(page, server_url):
    page.goto(server_url + "/")
    page.get_by_role("link", name="开放接口文档").click()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    shot(page, "csp-api-docs")


def test_the_guide_prints_without_an_inline_handler(page, server_url):
    page.goto(server_url + "/items/R005/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") is True

"""A citizen's journey through the real server in a real browser (Playwright driving Debian's chromium).

The server is the one operators run: `yiwang demo --no-serve` loads a throwaway SQLite database, then
`yiwang serve` (gunicorn) answers on a free port. Screenshots of each step go to test-artifacts/browser/.
CI needs the `chromium` and `fonts-noto-cjk` Debian packages (without the font, Chinese renders as boxes).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
YIWANG = Path(sys.executable).parent / "yiwang"
QUESTION = "开饭店要办哪些证"

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    # On a developer's machine a missing browser skips; in CI it must not silently pass.
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    _require_chromium()
    var_dir = tmp_path_factory.mktemp("yiwang-var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a throwaway SQLite, never the CI database
    env.update(YIWANG_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="yiwang.config.settings.dev", DEBUG="0")
    run = {"cwd": var_dir, "env": env, "check": True, "capture_output": True}
    subprocess.run([YIWANG, "demo", "--no-serve"], timeout=180, **run)
    subprocess.run([YIWANG, "collectstatic", "--noinput"], timeout=120, **run)
    port = _free_port()
    log = (var_dir / "serve.log").open("wb")
    # A session of its own, so teardown can stop gunicorn's master and its worker together.
    server = subprocess.Popen([YIWANG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              cwd=var_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server)
        yield url
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        log.close()


@pytest.fixture
def page(server_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_restaurant_owner_finds_the_food_permit_guide(page, server_url):
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    expect(page.get_by_role("link", name="一网通办").first).to_be_visible()
    shot(page, "01-home")

    box = page.locator("#q")
    box.click()
    box.press_sequentially(QUESTION, delay=30)
    expect(page.locator("#suggestions a").first).to_be_visible()  # htmx live suggestions
    shot(page, "02-suggestions")

    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("#results")
    expect(results).to_contain_text("开餐馆一件事")
    shot(page, "03-results")

    results.get_by_role("link", name="开餐馆一件事").click()
    page.wait_for_url("**/bundles/B02/")
    expect(page.locator("h1")).to_have_text("开餐馆一件事")
    shot(page, "04-bundle")

    page.locator("#bundle-items").get_by_role("link", name="食品经营许可（新办）").click()
    page.wait_for_url("**/items/R005/")
    expect(page.locator("h1")).to_have_text("食品经营许可（新办）")
    expect(page.locator("#materials")).to_contain_text("免提交")
    expect(page.locator("#time-limits")).to_contain_text("法定 10 个工作日")
    shot(page, "05-guide")
    page.locator("#materials").screenshot(path=ARTIFACTS / "05-guide-materials.png")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # the print stylesheet drops the chrome
    shot(page, "06-guide-print")
    page.emulate_media(media="screen")

    page.locator("#language").select_option("en")
    page.get_by_role("button", name="切换语言").click()
    page.wait_for_url("**/en/items/R005/")
    expect(page.locator("#materials")).to_contain_text("No submission needed")
    shot(page, "07-guide-en")

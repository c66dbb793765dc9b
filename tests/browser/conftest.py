"""The real server for browser tests, shared by every journey in this folder (one per test session).

The server is the one operators run: `yiwang demo --no-serve` loads a throwaway SQLite database, then
`yiwang serve` (gunicorn) answers on a free port. Screenshots go to test-artifacts/browser/.
CI needs the `chromium` and `fonts-noto-cjk` Debian packages (without the font, Chinese renders as boxes).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP_REFUSAL = re.compile(r"Refused to .*Content Security Policy")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
YIWANG = Path(sys.executable).parent / "yiwang"
# The running server's environment (YIWANG_VAR_DIR, settings), shared with var_dir_env.
_server_env: dict[str, str] = {}


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


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    _require_chromium()
    var_dir = tmp_path_factory.mktemp("yiwang-var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a throwaway SQLite, never the CI database
    env.update(YIWANG_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="yiwang.config.settings.dev", DEBUG="0")
    _server_env.update(env)
    run = {"cwd": var_dir, "env": env, "check": True, "capture_output": True}
    subprocess.run([YIWANG, "demo", "--no-serve"], timeout=180, **run)
    subprocess.run([YIWANG, "collectstatic", "--noinput"], timeout=120, **run)
    port = _free_port()
    env["YIWANG_PUBLIC_URL"] = f"http://127.0.0.1:{port}"  # QR codes and the OIDC issuer name this server
    _server_env.update(env)
    log = (var_dir / "serve.log").open("wb")
    # A session of its own, so teardown can stop gunicorn's master and its worker together.
    server = subprocess.Popen(
        [YIWANG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=var_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # The worker delivers events as in production (the e-licence on a grant, 电子送达), so no journey reaches past it.
    worker = subprocess.Popen(
        [YIWANG, "worker"], cwd=var_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server)
        yield url
    finally:
        for process in (server, worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
        log.close()


@pytest.fixture(scope="session")
def var_dir_env(server_url):
    """The server's environment; YIWANG_VAR_DIR holds what the demo's console senders write (sms-outbox.log)."""
    return dict(_server_env)


@pytest.fixture
def page(server_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        # Whatever the Content-Security-Policy refused (an inline style, a script, an image) is a page that
        # looks or works otherwise than it was written to: the test fails, naming it.
        refused = []

        def watch(message):
            if CSP_REFUSAL.search(message.text):
                refused.append(f"{message.page.url if message.page else ''}: {message.text}")

        context.on("console", watch)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
        if refused:
            pytest.fail("the Content-Security-Policy refused:\n" + "\n".join(refused))


def shot(page, name: str) -> None:
    """A full-page screenshot into test-artifacts/browser/, for a person to look at."""
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def login(page, server_url: str, username: str, password: str = "yiwang-demo") -> None:
    """Log in as a demo persona through the site's own login page."""
    page.goto(server_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def reload_until(page, selector: str, text: str = "", timeout: float = 30) -> None:
    """Reload until an element matching the selector shows the text (or, with no text, exists): what the worker
    does after a commit takes a moment. The check itself does not wait, so a missing element costs one reload."""
    from playwright.sync_api import expect

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = page.locator(selector).all_text_contents()
        if shown and any(text in content for content in shown):
            break
        time.sleep(1)
        page.reload()
    expect(page.locator(selector).first).to_contain_text(text)

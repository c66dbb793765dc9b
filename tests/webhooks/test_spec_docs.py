"""docs/webhooks.md is enough to build a receiver: its Python example, taken from the page's text alone, accepts a
real delivery from the platform's sender over HTTP, and rejects a tampered body and an old timestamp."""

import datetime as dt
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from yiwang.core.events import emit
from yiwang.webhooks import services
from yiwang.webhooks.models import Delivery

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def docs_receiver() -> dict:
    (source,) = re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.DOTALL | re.MULTILINE)
    namespace: dict = {}
    exec(compile(source, str(DOC), "exec"), namespace)
    return namespace


class Capture:
    """An HTTP endpoint that keeps each request's headers (as received, case and all) and raw body."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                capture.requests.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def delivered(superuser, samr_reviewer, django_capture_on_commit_callbacks):
    """One licence.issued event as the platform's sender posts it: (secret, headers, body, moment sent)."""
    department = samr_reviewer.staff_roles.get().department
    with Capture() as endpoint:
        _sub, secret = services.subscription_create(
            actor=superuser,
            system_name="市场监管业务系统",
            department=department,
            url=endpoint.url,
            event_types=["licence.issued"],
        )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            emit("licence.issued", {"licence": "440105-2026-SPJY-000001", "department_id": department.pk})
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    (headers, body), *_more = endpoint.requests
    signed_at = next(value for name, value in headers.items() if name.lower() == "x-yiwang-timestamp")
    assert abs(int(signed_at) - timezone.now().timestamp()) < 5
    return secret, headers, body, float(signed_at)


def test_the_documented_receiver_accepts_a_real_delivery(delivered):
    secret, headers, body, sent = delivered
    event = docs_receiver()["verify_delivery"](secret, headers, body, now=sent)
    assert event["type"] == "licence.issued" and event["data"]["licence"] == "440105-2026-SPJY-000001"
    receiver = docs_receiver()["Receiver"](secret)
    with time_machine.travel(dt.datetime.fromtimestamp(sent, tz=dt.UTC), tick=False):
        assert receiver.handle(headers, body) == 204
        assert receiver.handle(headers, body) == 204 and len(receiver.seen) == 1


def test_the_documented_receiver_rejects_a_tampered_body_an_old_timestamp_and_another_secret(delivered):
    secret, headers, body, sent = delivered
    verify_delivery = docs_receiver()["verify_delivery"]
    with pytest.raises(ValueError, match="signature"):
        verify_delivery(secret, headers, body.replace(b"000001", b"000002"), now=sent)
    with pytest.raises(ValueError, match="tolerance"):
        verify_delivery(secret, headers, body, now=sent + 301)
    assert verify_delivery(secret, headers, body, now=sent + 300)["id"]
    with pytest.raises(ValueError, match="signature"):
        verify_delivery("whsec_" + "x" * 43, headers, body, now=sent)
    receiver = docs_receiver()["Receiver"](secret)
    with time_machine.travel(dt.datetime.fromtimestamp(sent + 3600, tz=dt.UTC), tick=False):
        assert receiver.handle(headers, body) == 401


def test_the_page_states_what_the_code_does():
    from yiwang.webhooks import signing

    text = DOC.read_text()
    assert f"**{signing.DEFAULT_TOLERANCE} seconds**" in text
    assert f"`{signing.SIGNATURE_PREFIX}`" in text
    assert f"**{services.max_attempts()}** failed attempts" in text
    assert "min(21600, 30 × 2^(n−1))" in text and "X-Yiwang-Event-Id" in text

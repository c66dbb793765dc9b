"""The SMS senders: the HTTP one against a local receiver, the file one the demo reads."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from yiwang.accounts import sms


@pytest.fixture
def receiver():
    received, answers = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(answers.pop(0) if answers else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms", received, answers
    server.shutdown()
    server.server_close()


def test_the_http_sender_posts_json_with_the_token(receiver, settings):
    url, received, _ = receiver
    settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN = url, "gateway-token"
    sms.HttpSender().send("13912345678", "【一网通办】验证码 123456")
    headers, body = received[0]
    assert body == {"phone": "13912345678", "text": "【一网通办】验证码 123456"}
    assert headers["Authorization"] == "Bearer gateway-token" and headers["Content-Type"] == "application/json"


def test_a_gateway_error_is_a_clear_failure(receiver, settings):
    url, _, answers = receiver
    settings.SMS_HTTP_URL = url
    answers.append(500)
    with pytest.raises(sms.SmsFailed):
        sms.HttpSender().send("13912345678", "x")


def test_an_unreachable_or_missing_gateway_is_a_clear_failure(settings):
    settings.SMS_HTTP_URL = ""
    with pytest.raises(sms.SmsFailed):
        sms.HttpSender().send("13912345678", "x")


def test_the_send_function_uses_the_configured_sender(settings, tmp_path):
    settings.SMS_SENDER = "yiwang.accounts.sms.FileSender"
    settings.VAR_DIR = tmp_path
    sms.send("13912345678", "验证码 654321")
    line = (tmp_path / "sms-outbox.log").read_text(encoding="utf-8").strip()
    assert line.endswith("13912345678\t验证码 654321")


def test_a_failing_gateway_leaves_no_code_behind(db, settings, receiver):
    from yiwang.accounts.models import PhoneCode
    from yiwang.accounts.services import phone_code_send
    from yiwang.core.errors import DomainError

    url, _, answers = receiver
    settings.SMS_SENDER, settings.SMS_HTTP_URL = "yiwang.accounts.sms.HttpSender", url
    answers.append(503)
    with pytest.raises(DomainError):
        phone_code_send(phone="13912345678", purpose=PhoneCode.Purpose.REGISTER)
    assert not PhoneCode.objects.exists()

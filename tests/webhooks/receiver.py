"""A department system on 127.0.0.1 for the webhook tests: it verifies each request's signature, applies each
event id once, and answers 500 to every `fail_every`-th genuine request — after applying it, which is the
"received twice" case the event id guards against."""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from yiwang.webhooks.signing import verify_signature


class Receiver:
    def __init__(self, secret: str = "", fail_every: int = 2, pause: float = 0.0):
        self.secret, self.fail_every, self.pause = secret, fail_every, pause
        self.received: list[str] = []  # event ids of genuine requests, in arrival order
        self.answers: dict[str, list[int]] = {}  # the status given to each request, per event id
        self.applied: dict[str, dict] = {}
        self.rejected = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.pause)
                status = receiver.handle(self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def requests(self) -> int:
        return len(self.received)

    def handle(self, headers, body) -> int:
        with self.lock:
            signed = headers["X-Yiwang-Signature"]
            if not verify_signature(self.secret, headers["X-Yiwang-Timestamp"], body, signed, now=time.time()):
                self.rejected += 1
                return 401
            document = json.loads(body)
            assert document["id"] == headers["X-Yiwang-Event-Id"]
            self.received.append(document["id"])
            self.applied.setdefault(document["id"], document)
            status = 500 if self.fail_every and self.requests % self.fail_every == 0 else 204
            self.answers.setdefault(document["id"], []).append(status)
            return status

    def posts(self) -> Counter:
        """How many genuine requests arrived per event id."""
        return Counter(self.received)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

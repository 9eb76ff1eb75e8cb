"""A real HTTP receiver for webhook tests: ``http.server`` in a thread on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Records every POST (headers and JSON body); answers with the queued statuses, then 200."""

    def __init__(self):
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answers to give first, in order
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "raw": body})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def bodies(self) -> list[dict]:
        return [json.loads(r["raw"]) for r in self.received]

    def events(self) -> list[str]:
        return [r["headers"]["X-Healthcheck-Event"] for r in self.received]


def valid_signature(secret: str, request: dict) -> bool:
    """What the README tells a receiver to do: HMAC-SHA256 over "<timestamp>.<body>"."""
    timestamp = request["headers"]["X-Healthcheck-Timestamp"]
    expected = (
        "sha256="
        + hmac.new(secret.encode(), timestamp.encode() + b"." + request["raw"], hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, request["headers"]["X-Healthcheck-Signature"])

"""The webhook signature (issue 17, item 5): a known answer computed outside Python
(``printf '1700000000.{"event":"test"}' | openssl dgst -sha256 -hmac whsec_test``), and the
README's verification snippet, run as written, against what the app sends."""

from __future__ import annotations

import hashlib
import hmac
import time

from healthcheck.services.webhook_delivery import sign

OPENSSL = "21d2d3606ebbdbf9307ee15e83085df2b83c83dd87cc2e6d2ea6b1cb61afdc3c"


def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:  # the README snippet
    """True when the request came from Alliance Health Check with this webhook's secret."""
    timestamp = headers["X-Healthcheck-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old (or from the future): a replay
    expected = (
        "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, headers["X-Healthcheck-Signature"])


def test_signature_matches_openssl():
    assert sign("whsec_test", "1700000000", b'{"event":"test"}') == "sha256=" + OPENSSL


def test_the_readme_snippet_accepts_the_app_signature_and_refuses_tampering_and_replays():
    body, now = b'{"event":"round.closed"}', str(int(time.time()))
    headers = {"X-Healthcheck-Timestamp": now, "X-Healthcheck-Signature": sign("whsec_s", now, body)}
    assert verify("whsec_s", headers, body)
    assert not verify("whsec_other", headers, body)
    assert not verify("whsec_s", headers, body.replace(b"closed", b"opened"))
    old = str(int(time.time()) - 3600)
    assert not verify(
        "whsec_s",
        {"X-Healthcheck-Timestamp": old, "X-Healthcheck-Signature": sign("whsec_s", old, body)},
        body,
    )

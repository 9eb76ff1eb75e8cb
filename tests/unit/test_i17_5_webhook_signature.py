"""The webhook signature (issue 17, item 5): a known answer computed outside Python
(``printf '1700000000.{"event":"test"}' | openssl dgst -sha256 -hmac whsec_test``), and the
README's verification snippet, run as written, against what the app sends."""

from __future__ import annotations

import re
import time
from pathlib import Path

from healthcheck.services.webhook_delivery import sign

OPENSSL = "21d2d3606ebbdbf9307ee15e83085df2b83c83dd87cc2e6d2ea6b1cb61afdc3c"


def _readme_snippet() -> dict:
    """The README's verification snippet, exactly as written there."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    [snippet] = [b for b in blocks if "def verify(" in b]
    found: dict = {}
    exec(compile(snippet, "README.md", "exec"), found)  # noqa: S102 - our own documentation
    return found


verify = _readme_snippet()["verify"]


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

"""Issue 14 item 12: links in emails follow the port and host ``healthcheck serve`` listens on,
unless PUBLIC_BASE_URL is configured."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import werkzeug.serving

from healthcheck import config, runtime
from healthcheck.extensions import db
from healthcheck.jobs import runner
from healthcheck.services import alliances, invitations, questionnaires, rounds

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def served(monkeypatch):
    """Run ``healthcheck serve`` as typed, up to the moment it would start listening."""
    started = {}
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda host, port, app, **kw: started.update(app=app))
    monkeypatch.setattr(runtime, "settle", lambda: None)

    def serve(app, *args):
        result = app.test_cli_runner().invoke(args=["serve", "--no-scheduler", *args])
        assert result.exit_code == 0, result.output
        return started["app"]

    return serve


def _invitation_email(app) -> str:
    """Invite one person by email to an open round, deliver the mail, return its text."""
    with app.app_context():
        alliance = alliances.save(alliances.AllianceData("Port test", "Aurora", "Helix", "typical"), None)
        rnd = rounds.create(
            alliance,
            questionnaires.latest("alliance-health-check"),
            "R1",
            NOW.date(),
            NOW.date() + timedelta(days=21),
            today=NOW.date(),
        )
        invitations.invite(rnd, [invitations.Invitee("P", "p@x.example", "A")])
        rounds.open_round(rnd, now=NOW)
        db.session.commit()
        runner.run("deliver_mail", NOW)
    [mail] = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    return BytesParser(policy=policy.default).parsebytes(mail.read_bytes()).get_body(("plain",)).get_content()


def test_i14_12_invitation_from_serve_on_port_5101_links_to_5101(app, served):
    served_app = served(app, "--port", "5101")
    assert served_app is app
    text = _invitation_email(app)
    assert "http://127.0.0.1:5101/r/" in text
    assert ":5000" not in text


def test_i14_12_configured_public_base_url_wins_over_the_port(make_app, served):
    app = make_app(PUBLIC_BASE_URL="https://health.example.com/")
    with app.app_context():
        questionnaires.import_path(app.config["SURVEYS_DIR"])
        db.session.commit()
    served(app, "--port", "5101", "--host", "0.0.0.0")
    text = _invitation_email(app)
    assert "https://health.example.com/r/" in text and "5101" not in text


def test_i14_12_serving_address_of_wildcard_and_ipv6_hosts(monkeypatch):
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "box")
    assert config.serving_base_url("0.0.0.0", 5101) == "http://box:5101"
    assert config.serving_base_url("::1", 8080) == "http://[::1]:8080"
    assert config.serving_base_url("127.0.0.1", 5000) == "http://127.0.0.1:5000"
    assert config.public_base_url({}) == "http://127.0.0.1:5000"  # outside ``serve`` (workers, scheduler)

"""Issue 12 item 6 (names and CLI): one view helper, thin views, no test-only code paths."""

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Action, AuditEvent, ShareLink
from healthcheck.services import audit
from healthcheck.services.errors import InvalidInput
from healthcheck.web.views import attempt
from tests.conftest import csrf_token


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_issue12_06_names_and_cli_attempt_commits_once_or_keeps_nothing(app):
    def refused():
        audit.record("test.refused")
        db.session.flush()
        raise InvalidInput(["title: required", "owner: required"])

    with app.test_request_context("/", method="POST"):
        outcome = attempt(refused)
        assert not outcome.ok
        assert outcome.problems == ["title: required", "owner: required"]
        done = attempt(lambda: audit.record("test.done"))
        assert done.ok and done.value.action == "test.done"
    with app.app_context():  # a fresh session: what was committed, and only that
        assert _events("test.refused") == 0
        assert _events("test.done") == 1


def test_issue12_06_names_and_cli_new_action_checks_the_round_through_access(
    app, client, login, make_alliance, make_round
):
    login("manager@example.com", "manager")
    mine = make_alliance(owner="manager@example.com")
    theirs = make_round(make_alliance(), "elsewhere", status="closed")
    url = f"/alliances/{mine}/actions/new?round={theirs}"
    assert client.get(url).status_code == 404
    data = {"title": "T", "owner": "O", "due_on": "2027-01-31", "visibility": "internal"}
    response = client.post(url, data=data | {"csrf_token": csrf_token(client, "/portfolio")})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_issue12_06_names_and_cli_share_with_a_bad_recipient_keeps_no_link(
    app, client, login, make_alliance, make_round
):
    login("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")
    page = f"/alliances/{alliance}/rounds/{rnd}/report"
    response = client.post(
        f"/alliances/{alliance}/rounds/{rnd}/share",
        data={
            "days": "30",
            "recipients": "partner@example.com; not-an-address",
            "csrf_token": csrf_token(client, "/portfolio"),
        },
        follow_redirects=True,
    )
    assert response.request.path == page
    assert "recipients: &#39;not-an-address&#39; is not an email address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShareLink)) == 0
        assert _events("share.create") == 0 and _events("share.email") == 0

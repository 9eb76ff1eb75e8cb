"""Issue 11, items 5, 11 and parts of 15: links the manager holds, bulk links, CR/LF, handoffs, caching."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import func, select, text

from healthcheck.extensions import db
from healthcheck.jobs import delivery
from healthcheck.models import AuditEvent, Invitation, InvitationToken, OutgoingMail, Round, hash_token
from healthcheck.services import invitations, notifications, sharing
from tests.conftest import csrf_token

LINK_RE = re.compile(r"https?://[^\s\"'<>]+/r/([A-Za-z0-9_-]{20,})")
SECRET_COMMENT = "my candid view: the partner's project lead blocks every decision"


def _outbox(app) -> list:
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(p.read_bytes()) for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


def _mailed_tokens(app, to: str) -> list[str]:
    found = []
    for mail in _outbox(app):
        if mail["To"] == to:
            found += LINK_RE.findall(mail.get_body(("plain",)).get_content())
    return found


def _deliver(app) -> dict:
    with app.app_context():
        counts = delivery.deliver_due(now=delivery.utcnow() + timedelta(minutes=1))
        db.session.commit()
        return counts


def _live_links(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(InvitationToken)
            .join(Invitation)
            .where(Invitation.email == email, InvitationToken.revoked_at.is_(None))
        )


def _save_draft(client, token: str, comment: str) -> None:
    page = client.get(f"/r/{token}/answer").get_data(as_text=True)
    data = {m: "4" for m in set(re.findall(r'name="(q-[a-z_]+)"', page))}
    first_comment = re.search(r'name="(c-[a-z_]+)"', page).group(1)
    data.update(
        {first_comment: comment, "action": "save"},
        csrf_token=re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
    )
    assert client.post(f"/r/{token}/answer", data=data).status_code == 200


def _setup(login, make_alliance, make_round, status="open"):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status=status)
    return alliance, rnd, f"/alliances/{alliance}/rounds/{rnd}"


def _invitation_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Invitation.id).where(Invitation.email == email))


# --- item 5 -----------------------------------------------------------------------------------


def test_trust_05_manager_holds_working_links_screen_link_dies_when_the_email_is_issued(
    app, client, login, make_alliance, make_round
):
    _, _, url = _setup(login, make_alliance, make_round)
    posted = client.post(
        url + "/invite",
        data={"name": "Ann", "email": "ann@a.example", "side": "A", "csrf_token": csrf_token(client, url)},
        follow_redirects=True,
    )
    on_screen = LINK_RE.findall(posted.get_data(as_text=True))
    _deliver(app)
    mailed = _mailed_tokens(app, "ann@a.example")
    assert len(mailed) == 1
    respondent = app.test_client()
    _save_draft(respondent, mailed[0], SECRET_COMMENT)
    for token in set(on_screen) - set(mailed):  # whatever the manager saw at creation
        manager_view = app.test_client()
        for path in (f"/r/{token}", f"/r/{token}/answer"):
            got = manager_view.get(path)
            assert got.status_code in (404, 410)
            assert SECRET_COMMENT not in got.get_data(as_text=True)
        assert manager_view.post(f"/r/{token}/answer", data={"action": "submit"}).status_code in (404, 410)
    assert _live_links(app, "ann@a.example") == 1


def test_trust_05_manager_holds_working_links_one_valid_link_through_copy_email_and_reminder(
    app, client, login, make_alliance, make_round
):
    _, rnd, url = _setup(login, make_alliance, make_round)
    with app.app_context():
        issued = invitations.invite(
            db.session.get(Round, rnd), [invitations.Invitee("Bo", "bo@b.example", "B")], hand_out=True
        )
        db.session.commit()
        copied = issued[0].token
    assert _live_links(app, "bo@b.example") == 1
    assert _outbox(app) == [] and _deliver(app)["sent"] == 0  # the manager hands this link out
    inv_id = _invitation_id(app, "bo@b.example")

    # the manager asks the service to email a fresh link: the copied one dies at once
    op = f"{url}/invitations/{inv_id}/email"
    asked = client.post(op, data={"csrf_token": csrf_token(client, url)})
    assert asked.status_code == 200 and "Email Bo a new link?" in asked.get_data(as_text=True)
    assert app.test_client().get(f"/r/{copied}").status_code == 200  # not before confirming
    client.post(op, data={"csrf_token": csrf_token(client, url), "confirmed": "yes"})
    assert app.test_client().get(f"/r/{copied}").status_code == 410
    _deliver(app)
    emailed = _mailed_tokens(app, "bo@b.example")
    assert len(emailed) == 1 and emailed[0] != copied
    respondent = app.test_client()
    _save_draft(respondent, emailed[0], SECRET_COMMENT)
    assert _live_links(app, "bo@b.example") == 1

    # a reminder carries the respondent's current link and adds none
    with app.app_context():
        inv = db.session.get(Invitation, inv_id)
        notifications.enqueue("reminder", inv.email, f"reminder:{inv.id}:1", invitation=inv)
        db.session.commit()
    _deliver(app)
    assert _mailed_tokens(app, "bo@b.example") == [emailed[0], emailed[0]]
    assert _live_links(app, "bo@b.example") == 1
    assert respondent.get(f"/r/{emailed[0]}/answer").status_code == 200

    dead = app.test_client().get(f"/r/{copied}/answer")
    assert dead.status_code == 410 and SECRET_COMMENT not in dead.get_data(as_text=True)


def test_trust_05_manager_holds_working_links_reissue_is_confirmed_audited_and_told(
    app, client, login, make_alliance, make_round, invite
):
    _, rnd, url = _setup(login, make_alliance, make_round)
    old = invite(rnd, "A")[0]
    inv_id = _invitation_id(app, "p0@example.com")
    respondent = app.test_client()
    _save_draft(respondent, old, SECRET_COMMENT)
    op = f"{url}/invitations/{inv_id}/reissue"
    asked = client.post(op, data={"csrf_token": csrf_token(client, url)})
    assert asked.status_code == 200 and respondent.get(f"/r/{old}").status_code == 200  # asks first
    page = client.post(op, data={"csrf_token": csrf_token(client, url), "confirmed": "yes"})
    new = LINK_RE.findall(page.get_data(as_text=True))
    assert len(set(new)) == 1 and page.headers["Cache-Control"] == "no-store"
    assert len(page.headers.get("Set-Cookie", "")) < 4096
    gone = respondent.get(f"/r/{old}/answer")
    assert gone.status_code == 410 and SECRET_COMMENT not in gone.get_data(as_text=True)
    assert _live_links(app, "p0@example.com") == 1
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "invitation.reissue")
            )
            == 1
        )
    _deliver(app)
    told = [m for m in _outbox(app) if m["To"] == "p0@example.com"]
    assert len(told) == 1 and "replaced" in told[0]["Subject"]
    body = told[0].get_body(("plain",)).get_content()
    assert "no longer works" in body and not LINK_RE.search(body)  # tells, carries no link
    assert _live_links(app, "p0@example.com") == 1


def test_trust_05_manager_holds_working_links_no_usable_token_in_the_database(
    app, login, make_alliance, make_round
):
    _, rnd, _ = _setup(login, make_alliance, make_round)
    with app.app_context():
        invitations.invite(db.session.get(Round, rnd), [invitations.Invitee("Cy", "cy@a.example", "A")])
        db.session.commit()
    _deliver(app)
    with app.app_context():
        inv = db.session.scalar(select(Invitation).where(Invitation.email == "cy@a.example"))
        notifications.enqueue("reminder", inv.email, f"reminder:{inv.id}:1", invitation=inv)
        db.session.commit()
    _deliver(app)
    tokens = set(_mailed_tokens(app, "cy@a.example"))
    assert len(tokens) == 1
    with app.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in db.session.execute(text(f'SELECT * FROM "{table.name}"'))]
        stored = "\n".join(dump)
    for token in tokens:
        assert token not in stored and hash_token(token) in stored


# --- item 11 ----------------------------------------------------------------------------------


def _csv(n: int, start: int = 0) -> str:
    lines = ["name,email,side,function"]
    lines += [f"Person {i},person{i}@bulk.example,{'AB'[i % 2]}," for i in range(start, start + n)]
    return "\n".join(lines) + "\n"


def test_trust_11_bulk_invitations_lose_their_links_csv_download_for_a_large_batch(
    app, client, login, make_alliance, make_round
):
    _, _, url = _setup(login, make_alliance, make_round)
    got = client.post(
        url + "/invite-bulk",
        data={"csv_text": _csv(400), "delivery": "csv", "csrf_token": csrf_token(client, url)},
    )
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert "attachment" in got.headers["Content-Disposition"]
    assert got.headers["Cache-Control"] == "no-store"
    assert len(got.headers.get("Set-Cookie", "")) < 4096
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert len(rows) == 400
    tokens = [LINK_RE.search(r["link"]).group(1) for r in rows]
    with app.app_context():
        live = set(
            db.session.scalars(select(InvitationToken.token_hash).where(InvitationToken.revoked_at.is_(None)))
        )
    assert {hash_token(t) for t in tokens} == live
    assert app.test_client().get(f"/r/{tokens[-1]}").status_code == 200
    assert _deliver(app)["sent"] == 0  # handed out by the manager: no second link by email


def test_trust_11_bulk_invitations_lose_their_links_page_with_copy_all(
    app, client, login, make_alliance, make_round
):
    _, _, url = _setup(login, make_alliance, make_round, status="draft")
    got = client.post(
        url + "/invite-bulk",
        data={"csv_text": _csv(300), "delivery": "page", "csrf_token": csrf_token(client, url)},
    )
    page = got.get_data(as_text=True)
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    assert len(got.headers.get("Set-Cookie", "")) < 4096
    assert len(set(LINK_RE.findall(page))) == 300
    assert "data-copy-all" in page
    assert LINK_RE.findall(client.get(url).get_data(as_text=True)) == []  # shown once


def test_trust_11_bulk_invitations_lose_their_links_batch_cap(app, client, login, make_alliance, make_round):
    _, _, url = _setup(login, make_alliance, make_round)
    got = client.post(
        url + "/invite-bulk",
        data={"csv_text": _csv(501), "delivery": "csv", "csrf_token": csrf_token(client, url)},
    )
    assert got.status_code == 400
    assert "at most 500 invitations per batch" in got.get_data(as_text=True)
    assert len(got.headers.get("Set-Cookie", "")) < 4096
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_trust_11_bulk_invitations_lose_their_links_cookie_small_after_every_action(
    app, client, login, make_alliance, make_round
):
    _, _, url = _setup(login, make_alliance, make_round)
    sizes = []
    for start in range(0, 600, 150):  # several batches, none carried in the session
        got = client.post(
            url + "/invite-bulk",
            data={"csv_text": _csv(150, start), "delivery": "page", "csrf_token": csrf_token(client, url)},
        )
        assert got.status_code == 200
        sizes.append(len(got.headers.get("Set-Cookie", "")))
    one = client.post(
        url + "/invite",
        data={"name": "Solo", "email": "solo@a.example", "side": "A", "csrf_token": csrf_token(client, url)},
    )
    sizes.append(len(one.headers.get("Set-Cookie", "")))
    inv_id = _invitation_id(app, "solo@a.example")
    for op in ("reissue", "revoke"):
        done = client.post(
            f"{url}/invitations/{inv_id}/{op}",
            data={"csrf_token": csrf_token(client, url), "confirmed": "yes"},
        )
        sizes.append(len(done.headers.get("Set-Cookie", "")))
    sizes.append(len(client.get(url).headers.get("Set-Cookie", "")))
    assert max(sizes) < 4096


# --- item 15 (part) ---------------------------------------------------------------------------


def test_trust_15_crlf_in_names_refused_in_forms_csv_service_and_cli(
    app, client, runner, login, make_alliance, make_round, tmp_path
):
    _, rnd, url = _setup(login, make_alliance, make_round)
    bad_alliance = client.post(
        "/alliances/new",
        data={
            "name": "Evil\r\nBcc: all@x.example",
            "side_a": "Aurora",
            "side_b": "Helix\nX",
            "segment": "typical",
            "phase": "development",
            "alliance_type": "R&D",
            "k_anonymity": "3",
            "csrf_token": csrf_token(client, "/alliances/new"),
        },
    )
    body = bad_alliance.get_data(as_text=True).lower()
    assert bad_alliance.status_code == 400 and body.count("line breaks") == 2  # name and side B
    one = client.post(
        url + "/invite",
        data={
            "name": "Ann\r\nBcc: x@x.example",
            "email": "ann@a.example",
            "side": "A",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert one.status_code == 400 and "line break" in one.get_data(as_text=True).lower()
    bulk = client.post(
        url + "/invite-bulk",
        data={
            "csv_text": 'name,email,side,function\n"Bo\rX",bo@b.example,B,\n',
            "csrf_token": csrf_token(client, url),
        },
    )
    assert bulk.status_code == 400 and "line 2: name" in bulk.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    bad_csv = tmp_path / "old.csv"
    bad_csv.write_text("respondent,side\n")
    result = runner.invoke(
        args=[
            "import-responses",
            str(bad_csv),
            "--alliance",
            "Old\nOne",
            "--side-a",
            "A",
            "--side-b",
            "B",
            "--questionnaire",
            "alliance-health-check",
            "--round",
            "R1",
        ]
    )
    assert result.exit_code == 2 and "line break" in result.output


def test_trust_15_crlf_in_names_one_bad_message_never_blocks_the_queue(app, make_alliance, make_round):
    alliance = make_alliance()
    rnd = make_round(alliance)
    with app.app_context():
        db.session.execute(
            text("UPDATE alliances SET name = :n WHERE id = :i"), {"n": "Bad\r\nName", "i": alliance}
        )
        r = db.session.get(Round, rnd)
        notifications.enqueue("round_closed", "a@x.example", "bad:1", round_id=r.id)
        notifications.enqueue("digest", "b@x.example", "good:1", warning_count=0, overdue_count=0)
        db.session.commit()
    counts = _deliver(app)
    assert counts["sent"] == 1 and counts["failed"] == 1 and counts["retry"] == 0
    with app.app_context():
        bad = db.session.scalar(select(OutgoingMail).where(OutgoingMail.dedupe_key == "bad:1"))
        assert bad.status == "failed" and bad.attempts == 1
    assert [m["To"] for m in _outbox(app)] == ["b@x.example"]


def _closed_round_with_share(app, make_user, make_alliance, make_round):
    make_user("next@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="closed")
    with app.app_context():
        _, token = sharing.create(db.session.get(Round, rnd), None, days=365)
        db.session.commit()
    return alliance, token


def test_trust_15_share_links_revoked_at_handoff_by_default(
    app, client, login, make_user, make_alliance, make_round
):
    login()
    alliance, token = _closed_round_with_share(app, make_user, make_alliance, make_round)
    assert app.test_client().get(f"/shared/{token}").status_code == 200
    timeline = f"/alliances/{alliance}/timeline"
    page = client.get(timeline).get_data(as_text=True)
    box = re.search(r'<input[^>]*name="revoke_shares"[^>]*>', page).group(0)
    assert "checked" in box
    client.post(
        f"/alliances/{alliance}/handoff",
        data={
            "new_owner": "next@example.com",
            "body": "Over to you.",
            "revoke_shares": "y",
            "csrf_token": csrf_token(client, timeline),
            "confirmed": "yes",
        },
    )
    assert app.test_client().get(f"/shared/{token}").status_code == 410  # withdrawn (issue 14 item 8)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "share.revoke"))
        assert event is not None


def test_trust_15_share_links_kept_at_handoff_when_unticked(
    app, client, login, make_user, make_alliance, make_round
):
    login()
    alliance, token = _closed_round_with_share(app, make_user, make_alliance, make_round)
    timeline = f"/alliances/{alliance}/timeline"
    client.post(
        f"/alliances/{alliance}/handoff",
        data={
            "new_owner": "next@example.com",
            "body": "Over to you.",
            "csrf_token": csrf_token(client, timeline),
            "confirmed": "yes",
        },
    )
    assert app.test_client().get(f"/shared/{token}").status_code == 200


def test_trust_15_pages_that_show_links_send_no_store(app, client, login, make_alliance, make_round, invite):
    _, rnd, url = _setup(login, make_alliance, make_round)
    token = invite(rnd, "A")[0]
    one = client.post(
        url + "/invite",
        data={
            "name": "Pat",
            "email": "pat@a.example",
            "side": "A",
            "delivery": "page",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert LINK_RE.search(one.get_data(as_text=True))
    responses_ = [
        one,
        client.get(url),
        app.test_client().get(f"/r/{token}"),
        app.test_client().get(f"/r/{token}/answer"),
    ]
    for got in responses_:
        assert got.headers.get("Cache-Control") == "no-store", got.request.path
    with app.app_context():
        closed = make_round(make_alliance(owner="manager@example.com", name="Other"), status="closed")
        _, share = sharing.create(db.session.get(Round, closed), None)
        db.session.commit()
    assert app.test_client().get(f"/shared/{share}").headers.get("Cache-Control") == "no-store"

"""Issue 15 item 4: the steering-committee pack as PDF, PPTX and HTML from one content builder;
`healthcheck report --format pdf|pptx`, download buttons, access checks, and the pack files
attached to an email through the outbox (rendered at delivery, sent to a real SMTP server)."""

import io
import subprocess
from datetime import date, datetime
from email import policy
from email.parser import BytesParser

import pytest
from pptx import Presentation
from pptx.util import Pt
from sqlalchemy import delete, select

from healthcheck.extensions import db
from healthcheck.models import Action, Alliance, OutgoingMail, Review, Round
from tests.servers import start_smtp

SECRET_B = "SECRETBCOMMENT"  # side B has 2 answers, k = 3: never shown anywhere
REVIEW = {
    "status": "published",
    "ends_on": date(2026, 10, 10),
    "published_at": datetime(2026, 10, 11, 9, 0),
    "version": 1,
    "changed_after_publication": False,
    "findings": [
        {
            "finding": "dimension:trust",
            "title": "Trust and openness",
            "A": "agree",
            "B": "disagree",
            "disputed": True,
            "thread": [
                {
                    "side": "B",
                    "organisation": "Partner Org",
                    "stance": "disagree",
                    "text": "Quarterly forecasts were shared late",
                    "at": datetime(2026, 10, 2),
                    "reply_to": None,
                },
                {
                    "side": "A",
                    "organisation": "Aurora Pharma",
                    "stance": None,
                    "text": "Agreed to share them monthly",
                    "at": datetime(2026, 10, 3),
                    "reply_to": 0,
                },
            ],
        },
        {
            "finding": "dimension:finance",
            "title": "Finance and value",
            "A": "agree",
            "B": "agree",
            "disputed": False,
            "thread": [],
        },
    ],
    "actions": [
        {
            "title": "Monthly forecast call",
            "dimension": "trust",
            "owner_a": "manager@example.com",
            "owner_b": "Kim Partner",
            "due_on": date(2026, 12, 1),
            "status": "open",
            "accepted": True,
        },
    ],
}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    out = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def pptx_texts(data: bytes) -> tuple[list[str], str, Presentation]:
    prs = Presentation(io.BytesIO(data))
    titles, texts = [], []
    for slide in prs.slides:
        titles.append(slide.shapes.title.text if slide.shapes.title is not None else "")
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return titles, "\n".join(texts), prs


@pytest.fixture
def pack_round(app, make_user, make_alliance, make_round, invite, answer_all):
    """Helix R&D, round 2026-Q3 closed (side A 6 answers of 5, side B 6 of 2: real gaps), and
    2026-Q4 closed after it with side B 2 answers (under k = 3: B's comments never shown)."""
    make_user("manager@example.com", "manager")
    make_user("other@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com", name="Helix R&D")
    other = make_alliance(owner="other@example.com", name="Other Alliance")
    rnd = make_round(alliance, "2026-Q3")
    for i, token in enumerate(invite(rnd, "AAAAAABBBBBB")):
        comment = {0: {"trust": "=HYPERLINK(1) visible A comment"}, 6: {"trust": "visible B comment"}}.get(i)
        answer_all(token, 5 if i < 6 else 2, comments=comment)
    with app.app_context():
        from healthcheck.services import rounds

        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
    later = make_round(alliance, "2026-Q4")
    other_rnd = make_round(other, "2026-Q3")
    for i, token in enumerate(invite(later, "AAABB")):
        comment = (
            {"trust": f"{SECRET_B} {i}"} if i >= 3 else ({"trust": "visible A comment"} if i == 0 else None)
        )
        answer_all(token, 4 if i < 3 else 3, comments=comment)
    with app.app_context():
        from healthcheck.services import rounds

        for rid in (later, other_rnd):
            rounds.close_round(db.session.get(Round, rid))
        a = db.session.get(Alliance, alliance)
        a.north_star = "Two new indications by 2028"
        for title, visibility in (
            ("Joint quarterly data review", "joint"),
            ("INTERNALONLY staffing", "internal"),
        ):
            db.session.add(
                Action(
                    alliance_id=alliance,
                    round_id=rnd,
                    title=title,
                    owner="manager@example.com",
                    partner_owner_name="Kim Partner",
                    due_on=date(2026, 12, 1),
                    visibility=visibility,
                )
            )
        db.session.commit()
    return alliance, rnd, other, other_rnd, later


def _pack(app, rnd_id, fmt, review=None):
    from healthcheck.services import packs

    with app.app_context():
        return packs.steering_pack(db.session.get(Round, rnd_id), fmt, review)


def test_pdf_opens_and_holds_the_alliance_talking_points_review_outcome_and_an_action(
    app, pack_round, tmp_path
):
    _alliance, rnd, *_ = pack_round
    data = _pack(app, rnd, "pdf", REVIEW)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    flat = " ".join(text.split())
    assert "Helix R&D" in flat and "Two new indications by 2028" in flat
    assert "What to talk about" in flat
    assert "Helix R&D · health check 2026-Q3" in flat and "&amp;" not in flat  # the page footer
    with app.app_context():
        from healthcheck.services import steering

        points = steering.pack_content(db.session.get(Round, rnd), REVIEW)["talking_points"]
    assert points and " ".join(points[0]["message"].split()[:4]) in flat
    assert "Review outcome" in flat and "disputed" in flat and "Quarterly forecasts were shared late" in flat
    assert "Monthly forecast call" in flat
    assert SECRET_B not in flat and "INTERNALONLY" not in flat
    # the charts are vector: WeasyPrint draws the inline SVG as paths, not an embedded image
    assert b"/Subtype /Image" not in data


def test_pptx_reads_back_with_one_slide_a_section_readable_and_inside_the_slide(app, pack_round):
    _alliance, rnd, *_ = pack_round
    titles, text, prs = pptx_texts(_pack(app, rnd, "pptx", REVIEW))
    assert titles[:6] == [
        "Helix R&D",
        "What to talk about",
        "Headline indices",
        "Where the two sides agree and differ",
        "Perception gaps",
        "Trend",
    ]
    for expected in ("Review outcome", "What each side said in the review", "Joint action plan", "Comments"):
        assert expected in titles
    assert "Two new indications by 2028" in text and "Monthly forecast call" in text
    assert "disputed" in text and "Partner Org (disagree): Quarterly forecasts were shared late" in text
    assert SECRET_B not in text and "INTERNALONLY" not in text
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert (
                shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
            )
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        assert run.font.size is not None and run.font.size >= Pt(12), (
                            run.text,
                            run.font.size,
                        )
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 2  # radar and gaps (the first closed round has no trend)
    assert all(p.image.size[0] >= 1500 for p in pictures)  # high resolution


def test_a_comment_under_k_never_appears_in_any_format(app, pack_round, tmp_path):
    *_, rnd = pack_round
    html = _pack(app, rnd, "html").decode()
    assert "visible A comment" in html and SECRET_B not in html
    assert SECRET_B not in pdf_text(_pack(app, rnd, "pdf"), tmp_path)
    titles, text, prs = pptx_texts(_pack(app, rnd, "pptx"))
    assert "visible A comment" in text and SECRET_B not in text
    # the second closed round has a trend: three charts
    assert len([s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]) == 3


def test_without_a_review_the_pack_shows_the_rounds_joint_actions(app, pack_round, tmp_path):
    _alliance, rnd, *_ = pack_round
    with app.app_context():  # as a round closed before joint reviews existed
        db.session.execute(delete(Review).where(Review.round_id == rnd))
        db.session.commit()
    flat = " ".join(pdf_text(_pack(app, rnd, "pdf"), tmp_path).split())
    assert "Joint quarterly data review" in flat and "Kim Partner" in flat and "(proposed)" in flat
    assert "INTERNALONLY" not in flat
    assert "This round had no joint review" in flat


def test_report_command_writes_pdf_and_pptx(app, pack_round, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # without -o the file is written to the current folder
    for fmt in ("pdf", "pptx"):
        out = tmp_path / f"pack.{fmt}"
        result = runner.invoke(
            args=["report", "--alliance", "Helix R&D", "--round", "2026-Q3", "--format", fmt, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        assert data.startswith(b"%PDF" if fmt == "pdf" else b"PK")
    titles, _text, _prs = pptx_texts((tmp_path / "pack.pptx").read_bytes())
    assert titles[0] == "Helix R&D"
    result = runner.invoke(
        args=["report", "--alliance", "Helix R&D", "--round", "2026-Q3", "--format", "pdf"]
    )
    assert result.exit_code == 0 and "helix-r-d-2026-q3-steering-pack.pdf" in result.output
    assert (tmp_path / "helix-r-d-2026-q3-steering-pack.pdf").read_bytes().startswith(b"%PDF")


def login_as(client, email="manager@example.com"):
    from tests.conftest import csrf_token

    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": token}
    )
    assert response.status_code == 302


def test_report_page_offers_the_pack_and_access_is_checked(app, pack_round, client):
    alliance, rnd, other, other_rnd, _later = pack_round
    login_as(client)
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}/report").get_data(as_text=True)
    for fmt in ("pdf", "pptx", "html"):
        assert f"/alliances/{alliance}/rounds/{rnd}/pack.{fmt}" in page
        response = client.get(f"/alliances/{alliance}/rounds/{rnd}/pack.{fmt}")
        assert response.status_code == 200
        assert "steering-pack" in response.headers["Content-Disposition"]
    assert client.get(f"/alliances/{alliance}/rounds/{rnd}/pack.pdf").data.startswith(b"%PDF")
    # another alliance's round, or this alliance's id with the other's round: 404
    assert client.get(f"/alliances/{other}/rounds/{other_rnd}/pack.pdf").status_code == 404
    assert client.get(f"/alliances/{alliance}/rounds/{other_rnd}/pack.pdf").status_code == 404
    with app.app_context():
        from healthcheck.models import AuditEvent

        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.pack")) is not None


def _smtp():
    return start_smtp()


def test_pack_files_are_attached_at_delivery_and_reach_a_real_smtp_server_once(
    make_app, pack_round, app, tmp_path
):
    from healthcheck.jobs import delivery
    from healthcheck.services import notifications

    _alliance, rnd, *_ = pack_round
    controller, port, received = _smtp()
    try:
        smtp_app = make_app(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY="none")
        with smtp_app.app_context():
            r = db.session.get(Round, rnd)
            refs = notifications.pack_attachments(r)
            assert refs == [
                {"kind": "pack", "round_id": rnd, "format": "pdf"},
                {"kind": "pack", "round_id": rnd, "format": "pptx"},
            ]
            assert notifications.enqueue(
                "report_shared",
                "partner@example.com",
                f"test-pack:{rnd}",
                attachments=refs,
                round_id=rnd,
                days=30,
            )
            assert not notifications.enqueue(
                "report_shared",
                "partner@example.com",
                f"test-pack:{rnd}",
                attachments=refs,
                round_id=rnd,
                days=30,
            )
            db.session.commit()
            stored = db.session.scalar(
                select(OutgoingMail).where(OutgoingMail.dedupe_key == f"test-pack:{rnd}")
            )
            assert stored.attachments == refs  # a reference, not the bytes
            assert delivery.deliver_due()["failed"] == 0  # (the owners' "round closed" mails go too)
            assert delivery.deliver_due()["sent"] == 0  # exactly once
            db.session.refresh(stored)
            assert stored.status == "sent"
    finally:
        controller.stop()
    ours = [e for e in received if e.rcpt_tos == ["partner@example.com"]]
    assert len(ours) == 1
    mail = BytesParser(policy=policy.default).parsebytes(ours[0].content)
    files = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(files) == {"helix-r-d-2026-q3-steering-pack.pdf", "helix-r-d-2026-q3-steering-pack.pptx"}
    pdf = files["helix-r-d-2026-q3-steering-pack.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert "Helix R&D" in pdf_text(pdf.get_content(), tmp_path)
    titles, _text, _prs = pptx_texts(files["helix-r-d-2026-q3-steering-pack.pptx"].get_content())
    assert titles[0] == "Helix R&D"
    assert mail.get_body(("plain",)) is not None  # the message itself is still there

"""Report, trend and portfolio pages, exports, access rules and the partner's share link."""

import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Round, RoundSummary
from tests.conftest import csrf_token

REPORT_KEYS = {
    "alliance",
    "round",
    "scale",
    "k_anonymity",
    "sides",
    "health_index",
    "alignment_index",
    "rag",
    "dimensions",
    "questions",
    "warnings",
    "talking_points",
    "panel",
    "review",  # the joint review (issue 15): null without one
    "languages",  # issue 17: languages answered in per side (k rule)
}


def _score_for(side_score):
    def score(question):
        return side_score if question.dimension.key != "finance" else 3

    return score


@pytest.fixture
def closed_round(app, make_user, make_alliance, make_round, invite, answer_all):
    make_user("manager@example.com", "manager")
    make_user("member@example.com", "viewer")
    make_user("other@example.com", "viewer")
    alliance = make_alliance(owner="manager@example.com", members=["member@example.com"], name="Helix R&D")
    rnd = make_round(alliance, "2026-Q3")
    tokens = invite(rnd, "AAABBB")
    for i, token in enumerate(tokens):
        side_score = 5 if i < 3 else 2
        answer_all(
            token,
            _score_for(side_score),
            comments={"trust": f"<script>alert({i})</script> comment {i}"} if i in (0, 3) else None,
        )
    with app.app_context():
        from healthcheck.services import rounds

        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
    return alliance, rnd


def _login(client, email):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


def test_round_report_page_shows_figures_charts_and_escaped_comments(client, closed_round):
    alliance, rnd = closed_round
    _login(client, "manager@example.com")
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}/report")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert text.count("<svg") == 4  # radar, gaps (wide and phone renditions), question heatmap, inline
    assert "gap a higher" in text and "shared concern" not in text
    assert "&lt;script&gt;alert(0)&lt;/script&gt; comment 0" in text
    assert "<script>alert" not in text
    assert 'id="dimension-table"' in text and 'id="question-table"' in text


def test_open_round_report_is_not_published(client, app, make_user, make_alliance, make_round):
    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance)
    _login(client, "manager@example.com")
    response = client.get(f"/alliances/{alliance}/rounds/{rnd}/report")
    assert response.status_code == 409 and "published when the round closes" in response.get_data(
        as_text=True
    )
    assert client.get(f"/alliances/{alliance}/rounds/{rnd}/report.json").status_code == 409


def test_json_export_follows_design(client, closed_round):
    alliance, rnd = closed_round
    _login(client, "member@example.com")
    response = client.get(f"/alliances/{alliance}/rounds/{rnd}/report.json")
    assert response.status_code == 200
    report = json.loads(response.get_data(as_text=True))
    assert set(report) == REPORT_KEYS
    assert report["review"]["status"] == "in_review" and report["review"]["published_at"] is None
    trust = next(d for d in report["dimensions"] if d["key"] == "trust")
    assert set(trust) == {
        "key", "title", "weight", "A", "B", "gap", "gap_level", "p_value", "classification",
        "gap_ci95", "effect_size", "effect_magnitude", "p_adjusted", "evidence", "verdict",
        "meta",  # the library's alliance-health-check asks predictions (DESIGN §3.14)
        "facts",  # null here: the alliance has no facts (DESIGN §3.17, issue 16)
    }  # fmt: skip
    assert trust["facts"] is None
    assert trust["A"]["mean"] == 5.0 and trust["B"]["mean"] == 2.0 and trust["gap"] == 3.0
    assert trust["classification"] == "gap_a_higher"
    assert report["sides"]["A"] == {
        "invited": 3,
        "submitted": 3,
        "response_rate": 1.0,
        "health_index": pytest.approx((7 * 100 + 50) / 8),
    }
    assert set(report["questions"][0]) == {
        "key", "dimension", "text", "A", "B", "gap", "gap_level", "p_value", "q_value", "evidence"
    }  # fmt: skip


def test_csv_xlsx_html_and_chart_downloads(client, closed_round, app):
    alliance, rnd = closed_round
    _login(client, "manager@example.com")
    base = f"/alliances/{alliance}/rounds/{rnd}"
    csv_text = client.get(f"{base}/report.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "round,side,respondent,dimension,question,score"
    assert len(lines) == 1 + 6 * 33
    assert not re.search(r"p\d@example|Person", csv_text)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))
    assert book.sheetnames == ["Summary", "Dimensions", "Statements", "Comments", "Panel", "Actions"]
    assert book["Comments"].max_row == 3  # header + one comment per side (both sides have k=3)
    html = client.get(f"{base}/report.html").get_data(as_text=True)
    assert "<svg" in html and "<link" not in html and "<script" not in html.replace("&lt;script", "")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for name in ("radar", "gaps", "questions"):
        assert client.get(f"{base}/chart/{name}.svg").data.startswith(b"<svg")
        assert client.get(f"{base}/chart/{name}.png").data[:4] == b"\x89PNG"
        assert "layer" in json.loads(client.get(f"{base}/chart/{name}.json").data)


def test_report_access_rules(client, closed_round):
    alliance, rnd = closed_round
    _login(client, "other@example.com")
    base = f"/alliances/{alliance}/rounds/{rnd}"
    for url in (
        f"{base}/report",
        f"{base}/report.json",
        f"{base}/report.csv",
        f"{base}/chart/radar.svg",
        f"/alliances/{alliance}/trend",
        f"/alliances/{alliance}/trend.json",
    ):
        assert client.get(url).status_code == 404, url
    _login(client, "member@example.com")
    assert client.get(f"{base}/report").status_code == 200
    token = csrf_token(client, f"{base}/report")
    assert client.post(f"{base}/share", data={"csrf_token": token}).status_code == 403


def test_partner_share_link_expires_and_revokes(client, app, closed_round):
    alliance, rnd = closed_round
    _login(client, "manager@example.com")
    base = f"/alliances/{alliance}/rounds/{rnd}"
    client.post(f"{base}/share", data={"days": "7", "csrf_token": csrf_token(client, f"{base}/report")})
    page = client.get(f"{base}/report").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/shared/[^"]+)"', page).group(1)
    partner = app.test_client()
    shared = partner.get(link)
    assert shared.status_code == 200
    body = shared.get_data(as_text=True)
    assert "joint health-check report" in body and "Create partner link" not in body
    assert "Log out" not in body and "/report.csv" not in body
    with app.app_context():
        from healthcheck.models import ShareLink

        share_id = db.session.scalar(select(ShareLink.id))
    client.post(
        f"{base}/share/{share_id}/revoke",
        data={"csrf_token": csrf_token(client, f"{base}/report"), "confirmed": "yes"},
    )
    withdrawn = partner.get(link)  # issue 14 item 8: a clear 410 page, like a respondent's link
    assert withdrawn.status_code == 410 and "This link was withdrawn" in withdrawn.get_data(as_text=True)
    assert partner.get("/shared/forged-token").status_code == 404


def test_expired_share_link_is_refused(client, app, closed_round):
    _alliance, rnd = closed_round
    with app.app_context():
        from datetime import timedelta

        from healthcheck.services import sharing

        link, token = sharing.create(db.session.get(Round, rnd), None, days=1)
        link.expires_at = link.expires_at - timedelta(days=2)
        db.session.commit()
    expired = app.test_client().get(f"/shared/{token}")
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)


def test_trend_page_and_exports(client, closed_round):
    alliance, _ = closed_round
    _login(client, "member@example.com")
    page = client.get(f"/alliances/{alliance}/trend").get_data(as_text=True)
    assert page.count("<svg") == 3 and "2026-Q3" in page  # indices, dimensions (page and phone)
    trend = json.loads(client.get(f"/alliances/{alliance}/trend.json").data)
    assert set(trend) == {"alliance", "rounds", "deltas", "warnings"}
    assert [r["round"]["label"] for r in trend["rounds"]] == ["2026-Q3"] and trend["deltas"] == []
    assert "<svg" in client.get(f"/alliances/{alliance}/trend.html").get_data(as_text=True)


def test_portfolio_dashboard_filters_and_ranks(client, closed_round, make_alliance):
    make_alliance(owner="manager@example.com", name="Simple Supply", segment="simple")
    _login(client, "manager@example.com")
    page = client.get("/portfolio").get_data(as_text=True)
    assert page.index("Helix R&amp;D") < page.index("Simple Supply")  # has figures (amber) before none
    assert "<svg" in page
    filtered = client.get("/portfolio?segment=simple").get_data(as_text=True)
    assert "Simple Supply" in filtered and "Helix R&amp;D" not in filtered


def test_summary_follows_responses_and_is_complete_at_close(
    app, make_alliance, make_round, invite, answer_all
):
    alliance = make_alliance()
    rnd = make_round(alliance)
    tokens = invite(rnd, "AAAB")
    versions = []
    for token in tokens[:3]:
        answer_all(token, 4)
        with app.app_context():
            summary = db.session.get(RoundSummary, rnd)
            versions.append(summary.version)
            assert summary.stale and summary.submitted_a == len(versions)
    assert versions == sorted(versions) and len(set(versions)) == 3
    with app.app_context():
        from healthcheck.services import rounds, summaries

        fresh = summaries.stored(db.session.get(Round, rnd))  # stale: computed afresh
        assert fresh["dimensions"][0]["A"]["n"] == 3 and fresh["dimensions"][0]["B"]["suppressed"]
        rounds.close_round(db.session.get(Round, rnd))
        db.session.commit()
        summary = db.session.get(RoundSummary, rnd)
        assert not summary.stale and summary.report["dimensions"][0]["A"]["n"] == 3


def test_cli_report_json_for_imported_history_matches_design(app, runner, tmp_path):
    rows = ["side,respondent,question,score,comment"]
    for side, score in (("A", 4), ("B", 3)):
        for person in range(3):
            rows.append(f"{side},{side}{person},finance_payments,{score},")
            rows.append(f"{side},{side}{person},trust_commitments,{score + (person == 0)},")
    path = tmp_path / "h.csv"
    path.write_text("\n".join(rows) + "\n")
    result = runner.invoke(
        args=[
            "import-responses",
            str(path),
            "--alliance",
            "Old",
            "--side-a",
            "Aurora",
            "--side-b",
            "Partner",
            "--questionnaire",
            "alliance-health-check",
            "--round",
            "2023-Q1",
            "--closes-on",
            "2023-03-31",
        ]
    )
    assert result.exit_code == 0, result.output
    out = runner.invoke(args=["report", "--alliance", "Old", "--round", "2023-Q1", "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert set(report) == REPORT_KEYS
    assert report["review"] is None  # imported history was never reviewed
    assert report["round"] == {
        "label": "2023-Q1",
        "status": "closed",
        "opens_on": "2023-03-10",
        "closes_on": "2023-03-31",
        "questionnaire": "alliance-health-check@1",
    }
    assert report["sides"]["A"]["invited"] is None and report["sides"]["A"]["response_rate"] is None
    trust = next(d for d in report["dimensions"] if d["key"] == "trust")
    assert trust["A"]["mean"] == pytest.approx(13 / 3) and trust["B"]["mean"] == pytest.approx(10 / 3)
    milestones = next(d for d in report["dimensions"] if d["key"] == "milestones")
    assert milestones["A"] == {"n": 0, "suppressed": True} and report["health_index"] is None
    xlsx = tmp_path / "r.xlsx"
    assert (
        runner.invoke(
            args=["report", "--alliance", "Old", "--round", "2023-Q1", "--format", "xlsx", "-o", str(xlsx)]
        ).exit_code
        == 0
    )
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Summary"
    trend = runner.invoke(args=["trend", "--alliance", "Old"])
    assert json.loads(trend.output)["rounds"][0]["round"]["label"] == "2023-Q1"
    missing = runner.invoke(args=["report", "--alliance", "Nope", "--round", "x"])
    assert missing.exit_code == 2 and "no alliance called 'Nope'" in missing.output

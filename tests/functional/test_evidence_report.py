"""The report says it in words first (issue 13, item 2; DESIGN §3.12, §3.16): the round page,
the partner's page, the JSON, the workbook and the gap chart carry the evidence of each gap."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest

from healthcheck.extensions import db
from tests.conftest import csrf_token


def _scores(side: str, round_no: int, person: int):
    """Round 1: everyone 4. Round 2: trust A 5 / B 2 (a real gap); B's finance slips to 3.8
    (one of five answers 3: too small for a warning, but the dimension got worse)."""

    def score(question):
        dim = question.dimension.key
        if round_no == 1:
            return 4
        if dim == "trust":
            return 5 if side == "A" else 2
        if dim == "finance" and side == "B" and person == 4:
            return 3
        return 4

    return score


@pytest.fixture
def two_rounds(app, make_user, make_alliance, invite, answer_all):
    from healthcheck.models import Alliance, Round, User
    from healthcheck.services import actions, questionnaires, rounds

    make_user("manager@example.com", "manager")
    alliance_id = make_alliance(owner="manager@example.com", name="Helix R&D")
    ids = []
    for number, (opens, closes) in enumerate(
        ((date(2026, 1, 5), date(2026, 1, 26)), (date(2026, 4, 6), date(2026, 4, 27))), start=1
    ):
        with app.app_context():
            alliance = db.session.get(Alliance, alliance_id)
            rnd = rounds.create(
                alliance,
                questionnaires.latest("alliance-health-check"),
                f"R{number}",
                opens,
                closes,
                today=opens,  # rounds of the past, made as they were then
            )
            rounds.open_round(rnd)
            db.session.commit()
            round_id = rnd.id
        tokens = invite(round_id, "AAAAABBBBB")
        for i, token in enumerate(tokens):
            side = "A" if i < 5 else "B"
            answer_all(token, _scores(side, number, i - 5 if side == "B" else i))
        with app.app_context():
            rnd = db.session.get(Round, round_id)
            rounds.close_round(rnd)
            if number == 1:
                manager = db.session.scalar(db.select(User).limit(1))
                for title, visibility in (
                    ("Joint budget forecast", "joint"),
                    ("Internal budget review", "internal"),
                ):
                    data = actions.ActionData(
                        title, "Ann", date(2026, 3, 1), "finance", visibility=visibility
                    )
                    actions.create(rnd.alliance, data, manager, rnd)
            db.session.commit()
        ids.append(round_id)
    return alliance_id, ids[1]


def _login(client):
    client.post(
        "/login",
        data={
            "email": "manager@example.com",
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )


def test_words_first_02_round_page_says_it_first_and_shows_evidence(client, two_rounds):
    alliance, rnd = two_rounds
    _login(client)
    text = client.get(f"/alliances/{alliance}/rounds/{rnd}/report").get_data(as_text=True)
    talk = text.index("What to talk about")
    assert talk < text.index("Headline") < text.index("<svg")
    points = text[talk : text.index("Headline")]
    # trust: A all 5, B all 2 (n 5/5, ties): U = 25, p = 0.00397; Holm over the tested
    # dimensions (trust and finance below 1, the rest all tied at p = 1) keeps it < 0.05
    assert "Aurora Pharma rates Trust" in points and "clearly higher than" in points
    assert "5.00 vs 2.00 (gap +3.00" in points and "a real gap, not chance" in points
    assert "“Joint budget forecast” agreed after R1 has not helped" in points
    assert (
        "“Internal budget review” agreed after R1 has not helped" in points
    )  # the manager sees internal ones
    assert points.index("real gap") < points.index("Joint budget forecast")
    table = text[text.index('id="dimension-table"') :]
    assert "Is the gap real?" in table and "Effect size" in table and "Gap (95 % interval)" in table
    assert "[+3.00, +3.00]" in table  # no spread on either side: SE = 0, the interval is the gap
    assert "large" in table and "(δ +1.00)" in table
    assert 'class="verdict-real_gap">real gap<' in table


def test_words_first_02_partner_sees_joint_actions_only(client, app, two_rounds):
    from healthcheck.models import Round, User
    from healthcheck.services import sharing

    alliance, rnd = two_rounds
    with app.app_context():
        manager = db.session.scalar(db.select(User).limit(1))
        _link, token = sharing.create(db.session.get(Round, rnd), manager, days=7)
        db.session.commit()
    body = app.test_client().get(f"/shared/{token}").get_data(as_text=True)
    assert body.index("What to talk about") < body.index("<svg")
    assert "a real gap, not chance" in body
    assert "Joint budget forecast" in body
    assert "Internal budget review" not in body


def test_words_first_02_json_xlsx_and_chart_carry_the_evidence(client, two_rounds):
    alliance, rnd = two_rounds
    _login(client)
    base = f"/alliances/{alliance}/rounds/{rnd}"
    report = json.loads(client.get(f"{base}/report.json").get_data(as_text=True))
    trust = next(d for d in report["dimensions"] if d["key"] == "trust")
    assert trust["verdict"] == "real_gap" and trust["evidence"] == "clear"
    assert trust["gap_ci95"] == [3.0, 3.0] and trust["effect_size"] == 1.0
    assert trust["effect_magnitude"] == "large"
    assert report["talking_points"][0]["kind"] == "real_gap"
    assert {"p_value", "q_value", "evidence"} <= set(report["questions"][0])

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))
    rows = list(book["Dimensions"].values)
    header = rows[0]
    trust_row = dict(zip(header, next(r for r in rows if r[0] == "Trust"), strict=True))
    assert trust_row["Is the gap real?"] == "real gap"
    assert trust_row["Gap: 95 % interval from"] == 3.0 and trust_row["Gap: 95 % interval to"] == 3.0
    assert trust_row["Effect size (Cliff's δ)"] == 1.0 and trust_row["Effect size in words"] == "large"
    assert trust_row["p adjusted (Holm)"] < 0.05 and trust_row["Evidence"] == "clear"
    assert "q (Benjamini–Hochberg)" in next(book["Statements"].values)
    summary = [r for r in book["Summary"].values if r[0] == "What to talk about"]
    assert summary and "a real gap, not chance" in summary[0][1]

    spec = json.loads(client.get(f"{base}/chart/gaps.json").get_data(as_text=True))
    bar = spec["layer"][0]
    assert bar["encoding"]["color"]["title"] == "Is the gap real?"
    assert bar["encoding"]["color"]["scale"]["domain"][:3] == ["real gap", "possible gap", "aligned"]
    marks = [
        layer.get("mark", {}).get("type") if isinstance(layer.get("mark"), dict) else layer.get("mark")
        for layer in spec["layer"]
    ]
    assert "rule" in marks  # the interval's error bar (and the zero line)
    assert any(layer.get("encoding", {}).get("x2") for layer in spec["layer"])

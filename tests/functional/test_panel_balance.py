"""Issue 13 item 4: panel balance (DESIGN §3.15) — the function list wherever an invitation
is made, the invited mix on the round page, and the submitted mix in every report."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from healthcheck import create_app
from healthcheck.extensions import db
from healthcheck.models import Invitation, Round, RoundSummary
from tests.conftest import BACKEND, PG_URL, SECRET, _postgres_or_skip, csrf_token

MIGRATION = next(
    (Path(__file__).resolve().parents[2] / "healthcheck" / "migrations" / "versions").glob(
        "b7f3a9c2d415_*.py"
    )
)


def _migration_module():
    spec = importlib.util.spec_from_file_location("function_list_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _invite(app, round_id, people):
    """people: (side, function) pairs; returns their link tokens."""
    from healthcheck.services import invitations

    with app.app_context():
        rnd = db.session.get(Round, round_id)
        start = len(invitations.of_round(rnd))
        issued = invitations.invite(
            rnd,
            [
                invitations.Invitee(f"P {start + i}", f"p{start + i}@x.example", side, function)
                for i, (side, function) in enumerate(people)
            ],
            hand_out=True,
        )
        db.session.commit()
        return [i.token for i in issued]


def _close(app, round_id):
    from healthcheck.services import rounds

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()


@pytest.fixture
def manager(login, make_alliance):
    login()
    return make_alliance(owner="manager@example.com", name="Panel Alliance")


# --- the fixed list where invitations are made ------------------------------------------------


def test_i13_4_csv_bad_function_value(app, client, manager, make_round):
    rnd = make_round(manager, status="draft")
    url = f"/alliances/{manager}/rounds/{rnd}"
    bulk = (
        "name,email,side,function\n"
        "Ann,ann@x.example,A,Alliance management\n"
        "Bob,bob@x.example,B,R&D\n"
        "Cy,cy@x.example,B,legal_compliance\n"
    )
    response = client.post(
        url + "/invite-bulk", data={"csv_text": bulk, "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "line 3: function: &#39;R&amp;D&#39; is not one of executive, alliance_management, research" in page
    )
    assert "legal_compliance, digital, other" in page
    assert "line 2" not in page and "line 4" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_i13_4_csv_accepts_keys_labels_and_blank(app, client, manager, make_round):
    rnd = make_round(manager, status="draft")
    url = f"/alliances/{manager}/rounds/{rnd}"
    bulk = (
        "name,email,side,function\nAnn,ann@x.example,A,Alliance management\n"
        "Bob,bob@x.example,B,MANUFACTURING_QUALITY\nCy,cy@x.example,B,\n"
    )
    response = client.post(
        url + "/invite-bulk", data={"csv_text": bulk, "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 302
    with app.app_context():
        stored = dict(db.session.execute(select(Invitation.name, Invitation.function)).all())
    assert stored == {"Ann": "alliance_management", "Bob": "manufacturing_quality", "Cy": "other"}


def test_i13_4_invite_form_offers_the_list(app, client, manager, make_round):
    rnd = make_round(manager, status="draft")
    url = f"/alliances/{manager}/rounds/{rnd}"
    page = client.get(url).get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="function".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([a-z_]+)"', select_html) == [
        "executive", "alliance_management", "research", "development", "manufacturing_quality",
        "commercial", "finance", "legal_compliance", "digital", "other",
    ]  # fmt: skip
    assert "Manufacturing &amp; quality" in select_html
    data = {"name": "Dee", "email": "dee@x.example", "side": "A", "function": "finance", "delivery": "page"}
    assert (
        client.post(url + "/invite", data=data | {"csrf_token": csrf_token(client, url)}).status_code == 200
    )
    bad = data | {"email": "eve@x.example", "function": "astrology", "csrf_token": csrf_token(client, url)}
    assert client.post(url + "/invite", data=bad).status_code == 400
    with app.app_context():
        assert db.session.execute(select(Invitation.email, Invitation.function)).all() == [
            ("dee@x.example", "finance")
        ]


def test_i13_4_history_import_carries_functions(app, runner, tmp_path):
    args = ["import-responses", "--alliance", "Old", "--side-a", "Aurora", "--side-b", "Partner",
            "--questionnaire", "alliance-health-check",
            "--round", "2023-Q1", "--closes-on", "2023-03-31"]  # fmt: skip
    header = "side,respondent,question,score,comment,function\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + "A,a1,trust_commitments,4,,research\nA,a1,trust_interests,4,,finance\n"
        "B,b1,trust_commitments,4,,astrology\n"
    )
    result = runner.invoke(args=[*args, str(bad)])
    assert result.exit_code == 2
    assert (
        "line 3: respondent 'a1' of side A was given function research on an earlier line, finance"
        in result.output
    )
    assert "line 4: function: 'astrology' is not one of executive" in result.output
    rows = [f"A,a{i},trust_commitments,4,,{'Research' if i < 3 else ''}" for i in range(4)]
    rows += [f"B,b{i},trust_commitments,3,,commercial" for i in range(3)]
    rows += ["A,a0,trust_interests,4,,"]  # a blank on another line of a0 keeps research
    good = tmp_path / "good.csv"
    good.write_text(header + "\n".join(rows) + "\n")
    assert runner.invoke(args=[*args, str(good)]).exit_code == 0
    report = json.loads(
        runner.invoke(args=["report", "--alliance", "Old", "--round", "2023-Q1", "--format", "json"]).output
    )
    assert report["panel"]["A"]["research"] == 3 and report["panel"]["A"]["other"] == "<k"
    assert report["panel"]["B"]["commercial"] == 3
    # A research 3/4, other 1/4; B commercial 1: ½(0.75 + 0.25 + 1) = 1 ≥ 0.5, both sides ≥ 3
    assert [w["code"] for w in report["warnings"]] == ["panel_imbalance"]
    # the old five-column header still imports (every respondent "other")
    old = tmp_path / "old.csv"
    old.write_text("side,respondent,question,score,comment\nA,a1,trust_commitments,4,\n")
    again = [*args[:-3], "2023-Q2", "--closes-on", "2023-06-30", str(old)]
    assert runner.invoke(args=again).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Invitation.function == "other")) == 2


# --- the migration of existing free text --------------------------------------------------------


def test_i13_4_migration_maps_free_text():
    to_key = _migration_module().to_key
    assert to_key("Alliance management") == "alliance_management"
    assert to_key(" alliance_MANAGEMENT ") == "alliance_management"
    assert to_key("Manufacturing & Quality") == "manufacturing_quality"
    assert to_key("legal-and-compliance") == "legal_compliance"
    for synonym, key in [
        ("R&D", "research"), ("Clinical", "development"), ("Quality", "manufacturing_quality"),
        ("CMC", "manufacturing_quality"), ("Sales & Marketing", "commercial"), ("Legal", "legal_compliance"),
        ("IT", "digital"), ("Data science", "digital"), ("Senior management", "executive"),
        ("Controlling", "finance"), ("Alliance manager", "alliance_management"),
    ]:  # fmt: skip
        assert to_key(synonym) == key, synonym
    for unmatched in ("", "Regulatory", "Head of stuff", "Procurement"):
        assert to_key(unmatched) == "other"


def test_i13_4_migration_frozen_list_is_the_list():
    """The migration's frozen copy agrees with the list it migrates to (on the day it is written)."""
    from healthcheck.analysis import panel

    module = _migration_module()
    assert module.LABELS == panel.FUNCTIONS
    for key, label in panel.FUNCTIONS.items():
        assert module.to_key(key) == module.to_key(label) == key == panel.parse(label)


@pytest.fixture
def blank_database():
    """An empty database of the backend under test, its URI (dropped afterwards)."""
    if BACKEND != "postgresql":
        import tempfile

        folder = tempfile.mkdtemp()
        yield f"sqlite:///{folder}/blank.sqlite"
        return
    _postgres_or_skip()
    url = make_url(PG_URL)
    name = f"{url.database}_i13_4"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


ROWS = [
    ("INSERT INTO organisations (id, name, created_at) VALUES (1, 'A', :t), (2, 'B', :t)", {}),
    (
        "INSERT INTO alliances (id, name, side_a_id, side_b_id, segment, phase, alliance_type, north_star,"
        " k_anonymity, active, created_at) VALUES (1, 'X', 1, 2, 'typical', '', '', '', 3, :yes, :t)",
        {"yes": True},
    ),
    (
        "INSERT INTO questionnaires (id, key, version, title, description, scale_min, scale_max,"
        " scale_labels, content_hash, created_at) VALUES (1, 'q', 1, 'Q', '', 1, 5, '[]', 'h', :t)",
        {},
    ),
    (
        "INSERT INTO rounds (id, alliance_id, questionnaire_id, label, status, opens_on, closes_on, imported,"
        " created_at) VALUES (1, 1, 1, 'R1', 'open', :d, :d, :no, :t)",
        {"no": False},
    ),
]
OLD_FUNCTIONS = ["R&D", "Alliance Management", "Quality", "", "Head of stuff", "finance"]


def test_i13_4_migration_maps_existing_invitations_and_keeps_their_responses(blank_database, tmp_path):
    """Upgrading a database with free-text functions: mapped values, the constraint, and every
    response and link still there (recreating the table on SQLite must not cascade)."""
    from flask_migrate import upgrade

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": blank_database, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)}
    )
    folder = app.extensions["migrate"].directory
    stamp = {"t": datetime(2026, 1, 1), "d": date(2026, 1, 1)}
    with app.app_context():
        upgrade(directory=folder, revision="a1c5e7f90b12")
        with db.engine.begin() as conn:
            for sql, params in ROWS:
                conn.execute(text(sql), stamp | params)
            for i, old in enumerate(OLD_FUNCTIONS, start=1):
                conn.execute(
                    text(
                        "INSERT INTO invitations (id, round_id, side, name, email, function, status,"
                        " created_at,"
                        " submitted_at) VALUES (:i, 1, 'A', 'n', :e, :f, 'submitted', :t, :t)"
                    ),
                    stamp | {"i": i, "e": f"p{i}@x", "f": old},
                )
                conn.execute(
                    text(
                        "INSERT INTO responses (id, invitation_id, round_id, side, respondent_code,"
                        " updated_at,"
                        " submitted_at) VALUES (:i, :i, 1, 'A', :c, :t, :t)"
                    ),
                    stamp | {"i": i, "c": f"c{i}"},
                )
                conn.execute(
                    text(
                        "INSERT INTO invitation_tokens (id, invitation_id, token_hash, created_at)"
                        " VALUES (:i, :i, :h, :t)"
                    ),
                    stamp | {"i": i, "h": f"h{i}"},
                )
        upgrade(directory=folder, revision="b7f3a9c2d415")
        with db.engine.begin() as conn:
            functions = conn.execute(text("SELECT function FROM invitations ORDER BY id")).scalars().all()
            kept = [
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("responses", "invitation_tokens")
            ]
        assert functions == [
            "research",
            "alliance_management",
            "manufacturing_quality",
            "other",
            "other",
            "finance",
        ]
        assert kept == [6, 6]
        with (
            pytest.raises(Exception, match="ck_invitations_function|CHECK constraint"),
            db.engine.begin() as conn,
        ):
            conn.execute(text("UPDATE invitations SET function = 'astrology' WHERE id = 1"))
        db.engine.dispose()


# --- the round page before and while inviting -----------------------------------------------------


def test_i13_4_round_page_mix(app, client, manager, make_round):
    rnd = make_round(manager, status="draft")
    url = f"/alliances/{manager}/rounds/{rnd}"
    assert "No one invited yet. Invite a similar mix" in client.get(url).get_data(as_text=True)
    _invite(app, rnd, [("A", "research"), ("A", "research"), ("A", "finance"), ("B", "commercial")])
    page = client.get(url).get_data(as_text=True)
    table = re.search(r'data-testid="invited-mix".*?</table>', page, re.S).group(0)
    cells = re.findall(
        r'<th scope="row" class="fw-normal">([^<]+)</th>'
        r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>',
        table,
    )
    assert cells == [("Research", "2", "0"), ("Commercial", "0", "1"), ("Finance", "1", "0")]
    # ½(2/3 + 1 + 1/3) = 1: unbalanced, in words
    assert 'data-testid="panel-warning"' in page and "panel distance 1.00 of 1" in page
    assert "before the round opens" in page
    # the mix balanced out: no warning (A research 2 finance 1; B research 2 commercial 1 finance 1:
    # ½(|2/3 − 2/4| + |1/3 − 1/4| + 1/4) = ½(1/6 + 1/12 + 1/4) = 0.25)
    _invite(app, rnd, [("B", "research"), ("B", "research"), ("B", "finance")])
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="panel-warning"' not in page and "panel distance 0.25" in page


def test_i13_4_round_page_mix_only_for_the_people_inviting(app, client, make_user, make_alliance, make_round):
    make_user("owner@example.com", "manager")
    make_user("viewer@example.com", "viewer")
    alliance = make_alliance(owner="owner@example.com", members=["viewer@example.com"])
    rnd = make_round(alliance, status="open")
    _invite(app, rnd, [("A", "research"), ("B", "commercial")])
    client.post("/login", data={"email": "viewer@example.com", "password": "correct-horse-battery",
                                "csrf_token": csrf_token(client)})  # fmt: skip
    page = client.get(f"/alliances/{alliance}/rounds/{rnd}").get_data(as_text=True)
    assert "submitted / invited" in page and "invited-mix" not in page


# --- the report: JSON, page, partner view, pack, workbook -------------------------------------


@pytest.fixture
def unbalanced_round(app, manager, make_round, answer_all):
    """A: research 3, finance 1 — B: commercial 3, research 1 (all answer): distance
    ½(|3/4 − 1/4| + 1/4 + 3/4) = 0.75, finance and research hidden below k 3 on one side."""
    rnd = make_round(manager, "2026-Q3")
    people = [("A", "research")] * 3 + [("A", "finance")] + [("B", "commercial")] * 3 + [("B", "research")]
    for token in _invite(app, rnd, people):
        answer_all(token, 4)
    _close(app, rnd)
    return rnd


def test_i13_4_report_panel_under_k(app, client, manager, unbalanced_round):
    base = f"/alliances/{manager}/rounds/{unbalanced_round}"
    report = client.get(f"{base}/report.json").get_json()
    assert report["panel"]["A"]["research"] == 3 and report["panel"]["A"]["finance"] == "<k"
    assert report["panel"]["B"]["commercial"] == 3 and report["panel"]["B"]["research"] == "<k"
    assert report["panel"]["distance"] is None  # the table does not determine it (see analysis/panel.py)
    (warning,) = [w for w in report["warnings"] if w["code"] == "panel_imbalance"]
    assert warning["side"] is None and warning["dimension"] is None and "0.75" not in warning["message"]
    # the same from the set-based rebuild and from a per-round refresh
    from healthcheck.services import rebuild, summaries

    with app.app_context():
        rnd = db.session.get(Round, unbalanced_round)
        assert summaries.compute(rnd)["panel"] == report["panel"]
        rebuild.rebuild()
        db.session.commit()
        stored = db.session.get(RoundSummary, unbalanced_round).report
    assert stored["panel"] == report["panel"] and stored["warnings"] == report["warnings"]


def test_i13_4_warning_appears_or_not(app, client, manager, make_round, answer_all, unbalanced_round):
    balanced = make_round(manager, "2026-Q4")
    for token in _invite(app, balanced, [("A", "research")] * 3 + [("B", "research")] * 3):
        answer_all(token, 4)
    _close(app, balanced)
    report = client.get(f"/alliances/{manager}/rounds/{balanced}/report.json").get_json()
    assert report["panel"]["distance"] == 0
    assert "panel_imbalance" not in [w["code"] for w in report["warnings"]]
    unbalanced = client.get(f"/alliances/{manager}/rounds/{unbalanced_round}/report.json").get_json()
    assert "panel_imbalance" in [w["code"] for w in unbalanced["warnings"]]


def test_i13_4_report_page_partner_view_pack_and_workbook_show_the_mix(
    app, client, manager, unbalanced_round
):
    base = f"/alliances/{manager}/rounds/{unbalanced_round}"
    client.post(f"{base}/share", data={"days": "7", "csrf_token": csrf_token(client, f"{base}/report")})
    page = client.get(f"{base}/report").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/shared/[^"]+)"', page).group(1)
    for body in (
        page,
        app.test_client().get(link).get_data(as_text=True),
        client.get(f"{base}/report.html").get_data(as_text=True),
    ):
        mix = re.search(r'data-testid="panel-mix".*?</table>', body, re.S).group(0)
        assert re.search(r"Research</th>\s*<td[^>]*>3</td><td[^>]*>fewer than 3</td>", mix)
        assert re.search(r"Commercial</th>\s*<td[^>]*>fewer than 3</td><td[^>]*>3</td>", mix)
        assert "Finance" not in mix  # hidden on both sides: not even named
        assert 'data-testid="panel-imbalance"' in body and "very different functions" in body
        assert "is not shown: with groups this small" in body
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))
    rows = {r[0]: r[1:] for r in book["Panel"].iter_rows(min_row=2, values_only=True)}
    assert rows["Research"] == (3, "fewer than 3") and rows["Commercial"] == ("fewer than 3", 3)
    assert rows["Finance"] == ("fewer than 3", "fewer than 3")
    assert any("very different functions" in str(r[1]) for r in book["Summary"].iter_rows(values_only=True))

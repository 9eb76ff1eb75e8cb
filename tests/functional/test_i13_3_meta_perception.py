"""Issue 13 item 3 — meta-perception (DESIGN §3.14): the questionnaire flag, predictions on the
respondent's form, their storage, the report's ``meta`` blocks, pages, exports and the import."""

import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Prediction, Response, Round
from healthcheck.services import questionnaires
from healthcheck.services.questionnaires import QuestionnaireError
from tests.conftest import csrf_token
from tests.functional.test_history_import import ARGS, _csv

SURVEYS = questionnaires.Path(__file__).resolve().parents[2] / "surveys"
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def submit(app):
    """Submit a response as the web does: every statement ``score``, predictions by dimension."""
    from healthcheck.services import responses

    def send(token, score, predictions):
        with app.app_context():
            inv = responses.invitation_by_token(token)
            given = responses.Answers()
            given.scores = {q.key: score for q in inv.round.questionnaire.questions}
            given.predictions = dict(predictions)
            responses.submit_target(responses.target_of(token, inv), given)
            db.session.commit()

    return send


def _close(app, round_id):
    with app.app_context():
        from healthcheck.services import rounds

        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()


def _report(app, round_id):
    with app.app_context():
        from healthcheck.services import reports

        return json.loads(json.dumps(reports.round_report(db.session.get(Round, round_id))))


def _dim(report, key):
    return next(d for d in report["dimensions"] if d["key"] == key)


@pytest.fixture
def meta_round(app, make_user, make_alliance, make_round, invite, submit):
    """Aurora (A) rates everything 4 and expects the partner at 4 on trust, 2 on finance; the
    partner (B) rates everything 2 and expects Aurora at 4 on trust (3 guesses each)."""
    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com", name="Meta Alliance")
    rnd = make_round(alliance, "2026-Q3")
    tokens = invite(rnd, "AAABBB")
    for token in tokens[:3]:
        submit(token, 4, {"trust": 4, "finance": 2})
    for i, token in enumerate(tokens[3:]):
        submit(token, 2, {"trust": 4, "finance": None if i else 3})  # B's finance: 3, N/A, N/A
    _close(app, rnd)
    return alliance, rnd


def _login(client, email="manager@example.com"):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


def test_i13_3_library_ships_a_new_version_with_meta_perception_and_old_rounds_keep_theirs(
    app, runner, tmp_path, make_alliance, make_round
):
    doc = questionnaires.load_file(SURVEYS / "alliance-health-check.yaml")
    assert doc["meta_perception"] is True
    # an installation that imported the file before this change holds version 1 without predictions
    with app.app_context():
        from healthcheck.models import Questionnaire

        db.session.execute(db.delete(Questionnaire).where(Questionnaire.key == "alliance-health-check"))
        old = {k: v for k, v in doc.items() if k != "meta_perception"}
        first = questionnaires.import_document(old).questionnaire
        assert (first.version, first.meta_perception) == (1, False)
        db.session.commit()
    round_id = make_round(make_alliance())
    result = runner.invoke(args=["questionnaire", "import", str(SURVEYS)])
    assert result.exit_code == 0 and "alliance-health-check@2: imported" in result.output
    assert "digital-partnership@1: unchanged" in result.output  # other files hash as before
    with app.app_context():
        assert db.session.get(Round, round_id).questionnaire.ref == "alliance-health-check@1"
        assert db.session.get(Round, round_id).questionnaire.meta_perception is False
        latest = questionnaires.latest("alliance-health-check")
        assert (latest.version, latest.meta_perception) == (2, True)


def test_i13_3_meta_perception_flag_is_validated(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "key: q\ntitle: Q\nmeta_perception: 'yes'\ndimensions:\n"
        "  - key: d\n    title: D\n    questions:\n      - key: x\n        text: X\n"
    )
    with pytest.raises(QuestionnaireError) as found:
        questionnaires.load_file(path)
    assert f"{path}: meta_perception: must be true or false, got 'yes'" in found.value.problems
    path.write_text(path.read_text().replace("'yes'", "false"))
    assert "meta_perception" not in questionnaires.load_file(path)  # off: the content hash as before
    path.write_text(path.read_text().replace("false", "true").replace("key: x", "key: p-d"))
    with pytest.raises(QuestionnaireError) as found:
        questionnaires.load_file(path)
    assert found.value.problems == [
        f"{path}: question key 'p-d' is taken by the prediction of a dimension; rename it"
    ]


def test_i13_3_respondent_sees_prediction_after_each_dimension_and_drafts_keep_it(
    app, client, make_alliance, make_round, invite
):
    rnd = make_round(make_alliance())
    token = invite(rnd, "A")[0]
    assert "you may also guess how Partner 1 will rate it" in client.get(f"/r/{token}").get_data(as_text=True)
    page = client.get(f"/r/{token}/answer").get_data(as_text=True)
    # after the trust statements and before the trust comment, naming the partner (side B)
    trust = page.index('name="q-trust_confidence"')
    asked = page.index("How do you expect Partner 1 to rate trust?")
    assert trust < asked < page.index('name="c-trust"')
    assert page.count('name="p-') // 6 == 8  # 5 scale points + N/A for each of 8 dimensions
    csrf = TOKEN_RE.search(page).group(1)
    saved = client.post(
        f"/r/{token}/answer",
        data={
            "p-trust": "2",
            "p-finance": "na",
            "q-trust_candour": "4",
            "action": "save",
            "csrf_token": csrf,
        },
    )
    assert saved.status_code == 200
    resumed = app.test_client().get(f"/r/{token}/answer").get_data(as_text=True)
    assert re.search(r'name="p-trust" value="2" checked', resumed)
    assert re.search(r'name="p-finance" value="na" checked', resumed)
    bad = client.post(f"/r/{token}/answer", data={"p-trust": "7", "action": "save", "csrf_token": csrf})
    assert bad.status_code == 400 and 'id="err-p-trust"' in bad.get_data(as_text=True)
    keys = sorted(set(re.findall(r'name="q-([a-z_]+)"', page)))
    full = {f"q-{k}": "3" for k in keys} | {"p-trust": "5", "action": "submit", "csrf_token": csrf}
    done = client.post(f"/r/{token}/answer", data=full)  # a prediction is optional, like a comment
    assert done.status_code == 303
    with app.app_context():
        stored = db.session.execute(select(Prediction.score)).scalars().all()
        assert stored == [5]  # the submission replaced the draft's predictions


def test_i13_3_report_json_meta_blocks(app, meta_round):
    _, rnd = meta_round
    report = _report(app, rnd)
    trust = _dim(report, "trust")
    # A expects B at 4 (n = 3); B rates trust 2 → meta_error +2 ≥ 0.5: blind spot
    assert trust["meta"]["A"] == {
        "expected": {"n": 3, "mean": 4.0, "median": 4.0, "std": 0.0, "ci95": [4.0, 4.0]},
        "meta_error": 2.0,
        "meta_level": "blind_spot",
    }
    # B expects A at 4; A rates 4 → accurate
    assert trust["meta"]["B"]["meta_error"] == 0.0 and trust["meta"]["B"]["meta_level"] == "accurate"
    finance = _dim(report, "finance")
    # A expects B at 2, B rates 2 → accurate; B gave one guess and two N/A → n = 1 < k: suppressed
    assert finance["meta"]["A"]["meta_level"] == "accurate"
    assert finance["meta"]["B"] == {
        "expected": {"n": 1, "suppressed": True},
        "meta_error": None,
        "meta_level": None,
    }
    # predictions stay out of the sides' own scores
    assert trust["A"]["mean"] == 4.0 and trust["B"]["mean"] == 2.0
    assert report["sides"]["A"]["health_index"] == 75.0 and report["sides"]["B"]["health_index"] == 25.0
    spots = [p for p in report["talking_points"] if p["kind"] == "blind_spot"]
    assert [(p["dimension"], p["side"]) for p in spots] == [("trust", "A")]
    assert spots[0]["message"] == (
        "Aurora Pharma expects Partner 1 to rate Trust 4.00, but Partner 1 rates it 2.00 "
        "— a blind spot of 2.00."
    )


def test_i13_3_meta_hidden_when_partner_below_k(app, make_alliance, make_round, invite, submit):
    rnd = make_round(make_alliance())
    tokens = invite(rnd, "AAABB")  # only 2 on side B: B's figures and guesses are hidden
    for token in tokens:
        submit(token, 4, {"trust": 3})
    _close(app, rnd)
    trust = _dim(_report(app, rnd), "trust")
    assert trust["B"]["suppressed"] is True
    assert trust["meta"]["A"]["expected"]["n"] == 3 and trust["meta"]["A"]["meta_error"] is None
    assert trust["meta"]["A"]["meta_level"] is None
    assert trust["meta"]["B"] == {
        "expected": {"n": 2, "suppressed": True},
        "meta_error": None,
        "meta_level": None,
    }


def test_i13_3_rebuild_carries_predictions_like_the_close(app, meta_round):
    _, rnd = meta_round
    before = _report(app, rnd)
    with app.app_context():
        from healthcheck.services import rebuild

        rebuild.rebuild()
        db.session.commit()
    after = _report(app, rnd)
    assert [d["meta"] for d in after["dimensions"]] == [d["meta"] for d in before["dimensions"]]


def test_i13_3_report_page_share_view_pack_and_xlsx_show_expected_vs_actual(app, client, meta_round):
    alliance, rnd = meta_round
    _login(client)
    base = f"/alliances/{alliance}/rounds/{rnd}"
    page = client.get(f"{base}/report").get_data(as_text=True)
    section = page[page.index('id="meta"') : page.index('id="actions"')]
    assert "How well each side reads its partner" in section and "<svg" in section
    # on a phone the chart scrolls inside its frame, never the page (issue 14 item 7)
    assert re.search(r'<div class="chart-frame"[^>]*>\s*<svg', section)
    assert (
        "Aurora Pharma about Partner 1" in section and '<span class="meta-blind_spot">blind spot' in section
    )
    assert "n=1 · not shown" in section  # the partner's finance guesses under k
    assert client.get(f"{base}/chart/meta.svg").data.startswith(b"<svg")
    html = client.get(f"{base}/report.html").get_data(as_text=True)
    assert "How well each side reads its partner" in html and "blind spot" in html
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))
    assert book.sheetnames[:4] == ["Summary", "Dimensions", "Expected vs actual", "Statements"]
    rows = list(book["Expected vs actual"].values)
    assert rows[0][:4] == ("Expected by", "About", "Dimension", "Predictions (n)")
    finance_b = next(r for r in rows if r[0] == "Partner 1" and r[2] == "Finance and budget")
    assert finance_b[4] == finance_b[7] == "not shown: fewer than k answers"
    client.post(f"{base}/share", data={"days": "7", "csrf_token": csrf_token(client, f"{base}/report")})
    link = re.search(
        r'value="http://localhost(/shared/[^"]+)"', client.get(f"{base}/report").get_data(as_text=True)
    )
    shared = app.test_client().get(link.group(1)).get_data(as_text=True)
    assert "How well each side reads its partner" in shared and "blind spot" in shared


def test_i13_3_no_meta_section_without_predictions(
    app, client, make_user, make_alliance, make_round, invite, answer_all
):
    make_user("manager@example.com", "manager")
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, survey="supplier-performance")
    for token in invite(rnd, "AAABBB"):
        answer_all(token, 3)
    _close(app, rnd)
    report = _report(app, rnd)
    assert all("meta" not in d for d in report["dimensions"])
    _login(client)
    base = f"/alliances/{alliance}/rounds/{rnd}"
    assert "How well each side reads its partner" not in client.get(f"{base}/report").get_data(as_text=True)
    assert client.get(f"{base}/chart/meta.svg").status_code == 404


def test_i13_3_import_accepts_expected_rows(app, runner, tmp_path):
    rows = []
    for side, people, score, guess in (("A", ["a1", "a2", "a3"], 4, 4), ("B", ["b1", "b2", "b3"], 2, 3)):
        for person in people:
            rows.append(f"{side},{person},trust_commitments,{score},")
            rows.append(f"{side},{person},expected:trust,{guess},")
            rows.append(f"{side},{person},expected:finance,NA,")
    result = runner.invoke(args=[*ARGS, _csv(tmp_path, rows)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Prediction)) == 12
        rnd = db.session.scalar(select(Round))
    trust = _dim(_report(app, rnd.id), "trust")
    # A expects 4, B rates 2 → +2 blind spot; B expects 3, A rates 4 → −1 undervalued
    assert (trust["meta"]["A"]["meta_error"], trust["meta"]["A"]["meta_level"]) == (2.0, "blind_spot")
    assert (trust["meta"]["B"]["meta_error"], trust["meta"]["B"]["meta_level"]) == (-1.0, "undervalued")
    assert trust["A"]["mean"] == 4.0  # the predictions are not answers


def test_i13_3_import_refuses_bad_expected_rows_and_writes_nothing(app, runner, tmp_path):
    path = _csv(
        tmp_path,
        [
            "A,a1,trust_commitments,4,",
            "A,a1,expected:trust,4,",
            "A,a1,expected:no_such_dimension,4,",
            "A,a1,expected:trust,5,",
            "B,b1,expected:finance,9,",
        ],
    )
    result = runner.invoke(args=[*ARGS, path])
    assert result.exit_code == 2
    out = result.output
    assert (
        "line 4: 'expected:no_such_dimension': 'no_such_dimension' is not a dimension key "
        "of alliance-health-check@1" in out
    )
    assert "line 5: respondent 'a1' of side A already answered expected:trust" in out
    assert "line 6: score must be an integer from 1 to 5" in out
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(Prediction)) == 0
    args = list(ARGS)
    args[args.index("alliance-health-check")] = "supplier-performance"
    refused = runner.invoke(args=[*args, _csv(tmp_path, ["A,a1,expected:quality,4,"], "s.csv")])
    assert refused.exit_code == 2
    assert "line 2: 'expected:quality': supplier-performance@1 asks no predictions" in refused.output


def test_i13_3_demo_tells_a_blind_spot_story(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from healthcheck.services import alliances, reports

        def latest(name):
            rnd = reports.closed_rounds(alliances.by_name(name))[-1]
            return json.loads(json.dumps(reports.round_report(rnd)))

        meridian = latest("Meridian Rare Disease Co-development")
        assert meridian["round"]["questionnaire"].startswith("alliance-health-check@")
        readings = {
            (d["key"], s): m["meta_level"] for d in meridian["dimensions"] for s, m in d["meta"].items()
        }
        # Aurora projects its own view of compliance onto Meridian; every other reading is accurate
        assert readings.pop(("compliance", "A")) == "blind_spot"
        assert set(readings.values()) == {"accurate"}
        spot = next(p for p in meridian["talking_points"] if p["kind"] == "blind_spot")
        assert spot["dimension"] == "compliance" and spot["side"] == "A"
        assert spot["message"].startswith("Aurora Pharma expects Meridian Genomics to rate Compliance")
        helix = latest("Helix Oncology R&D")
        governance = next(d for d in helix["dimensions"] if d["key"] == "governance")
        assert governance["meta"]["B"]["meta_level"] == "undervalued"


def test_i13_3_packed_predictions_join_their_responses():
    from healthcheck.services import dataset

    questions, dims = {"q1": 5, "q2": 6}, {"d1": 3, "d2": 4}
    columns = dataset.packed_columns(questions, dims)
    # predictions are coded past the last question (id 6): 7 + (dimension id − 3)
    assert columns == {"q1": 5, "q2": 6, "expected:d1": 7, "expected:d2": 8}
    # an answer is chr(question id − 5 + 32) chr(score + 64): q1=4 → " D", q2=2 → "!B";
    # a prediction chr(7 + dimension id − 3 − 5 + 32): d1=5 → '"E', d2=3 → "#C"
    answers = [(1, "A", " D!B", 10), (1, "B", "!B", 11)]  # round, side, packed, response id
    predictions = [(1, "B", '"E', 11), (1, "A", "#C", 12)]  # response 12 gave predictions only
    merged = dataset.merge_predictions(answers, predictions)
    assert merged == [(1, "A", " D!B"), (1, "B", '!B"E'), (1, "A", "#C")]
    keys, scores = dataset.unpack([answers, predictions], columns)
    assert list(keys["side"]) == ["A", "B", "A"]
    assert scores.fillna(0).values.tolist() == [[4, 2, 0, 0], [0, 2, 5, 0], [0, 0, 0, 3]]

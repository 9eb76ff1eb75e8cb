"""`healthcheck import-responses`: all-or-nothing, every bad line listed."""

import json

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import Alliance, Answer, Response, Round

ARGS = [
    "import-responses",
    "--alliance",
    "Legacy Alliance",
    "--side-a",
    "Aurora Pharma",
    "--side-b",
    "Oldco",
    "--questionnaire",
    "alliance-health-check",
    "--round",
    "2024-Q2",
    "--closes-on",
    "2024-06-30",
    "--segment",
    "simple",
]


def _csv(tmp_path, rows, name="h.csv"):
    path = tmp_path / name
    path.write_text("side,respondent,question,score,comment\n" + "".join(r + "\n" for r in rows))
    return str(path)


def _counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Alliance, Round, Response, Answer)
        )


def test_bad_rows_are_all_listed_and_nothing_is_written(app, runner, tmp_path):
    path = _csv(
        tmp_path,
        [
            "A,r1,trust_commitments,4,",
            "C,r1,trust_commitments,4,",
            "A,r2,no_such_question,4,",
            "B,r3,trust_commitments,7,",
            "B,r3,trust_interests,x,",
            "B,r4,trust_interests,²,",
            "A,r1,trust_commitments,5,",
            "A,,trust_interests,3,",
            "A,r9,trust_interests,3",
        ],
    )
    result = runner.invoke(args=[*ARGS, path])
    assert result.exit_code == 2
    out = result.output
    assert "line 3: side must be A or B" in out
    assert "line 4: question 'no_such_question' is not in alliance-health-check@1" in out
    assert "line 5: score must be an integer from 1 to 5" in out
    assert "line 6: score must be an integer" in out
    assert "line 7: score must be an integer" in out
    assert "line 8: respondent 'r1' of side A already answered trust_commitments" in out
    assert "line 9: respondent: required" in out
    assert "line 10: expected 5 fields, got 4" in out
    assert _counts(app) == (0, 0, 0, 0)


def test_import_creates_closed_round_with_report(app, runner, tmp_path):
    rows = []
    for side, people, score in (("A", ["a1", "a2", "a3"], 4), ("B", ["b1", "b2", "b3"], 2)):
        for person in people:
            rows.append(f"{side},{person},trust_commitments,{score},")
            rows.append(f"{side},{person},trust_interests,NA,")
            rows.append(f'{side},{person},finance_payments,,"late, again"')
    result = runner.invoke(args=[*ARGS, _csv(tmp_path, rows)])
    assert result.exit_code == 0, result.output
    assert "3 respondents on side A, 3 on side B, 18 answers" in result.output
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert rnd.status == "closed" and rnd.imported and rnd.alliance.segment == "simple"
        codes = set(db.session.scalars(select(Response.respondent_code)))
        assert len(codes) == 6 and not codes & {"a1", "a2", "a3", "b1", "b2", "b3"}
        from healthcheck.services import summaries

        report = json.loads(json.dumps(summaries.stored(rnd)))
    trust = next(d for d in report["dimensions"] if d["key"] == "trust")
    assert trust["A"]["mean"] == 4.0 and trust["B"]["mean"] == 2.0 and trust["gap"] == 2.0
    assert report["sides"]["A"]["response_rate"] is None
    finance = next(d for d in report["dimensions"] if d["key"] == "finance")
    assert finance["A"] == {"n": 0, "suppressed": True}
    again = runner.invoke(args=[*ARGS, _csv(tmp_path, rows)])
    assert again.exit_code == 2 and "already has a round '2024-Q2'" in again.output


def test_wrong_header_and_unknown_questionnaire(app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("who,what\n1,2\n")
    result = runner.invoke(args=[*ARGS, str(path)])
    assert result.exit_code == 2 and "header must be side,respondent,question,score,comment" in result.output
    args = list(ARGS)
    args[args.index("alliance-health-check")] = "nope"
    result = runner.invoke(args=[*args, _csv(tmp_path, ["A,r1,trust_commitments,4,"])])
    assert result.exit_code == 2 and "no questionnaire with key 'nope'" in result.output

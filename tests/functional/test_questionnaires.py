from pathlib import Path

import pytest
import yaml

from healthcheck.extensions import db
from healthcheck.services import questionnaires
from healthcheck.services.questionnaires import QuestionnaireError

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_shipped_library_is_valid_with_expected_shape():
    docs = {p.stem: questionnaires.load_file(p) for p in SURVEYS.glob("*.yaml")}
    assert set(docs) == {"alliance-health-check", "digital-partnership", "supplier-performance"}
    ahc = docs["alliance-health-check"]
    assert [d["key"] for d in ahc["dimensions"]] == [
        "milestones",
        "finance",
        "governance",
        "communication",
        "trust",
        "culture",
        "compliance",
        "strategy",
    ]
    assert all(4 <= len(d["questions"]) <= 5 for d in ahc["dimensions"])
    digital = {d["key"] for d in docs["digital-partnership"]["dimensions"]}
    assert {"speed", "data", "business_model"} <= digital


def _write(tmp_path, doc, name="q.yaml"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))
    return path


def test_errors_name_file_place_and_problem(tmp_path):
    path = _write(
        tmp_path,
        {
            "key": "Bad Key",
            "title": "T",
            "scale": {"min": 5, "max": 1},
            "dimensions": [
                {
                    "key": "d",
                    "title": "D",
                    "weight": -1,
                    "questions": [{"key": "q1", "text": "x"}, {"key": "q1", "text": ""}],
                }
            ],
        },
    )
    with pytest.raises(QuestionnaireError) as exc:
        questionnaires.load_file(path)
    text = "\n".join(exc.value.problems)
    assert str(path) in text
    assert "key: must be lower-case" in text
    assert "scale: need 0 <= min < max" in text
    assert "dimensions[0].weight: must be a number > 0" in text
    assert "dimensions[0].questions[1].key: duplicate key 'q1'" in text
    assert "dimensions[0].questions[1].text: required text" in text


def test_yaml_syntax_error_names_line(tmp_path):
    path = _write(tmp_path, "key: x\ntitle: [unclosed\n")
    with pytest.raises(QuestionnaireError) as exc:
        questionnaires.load_file(path)
    assert "line 2" in exc.value.problems[0] or "line 3" in exc.value.problems[0]


def test_cli_validate_exit_codes(runner, tmp_path):
    good = runner.invoke(args=["questionnaire", "validate", str(SURVEYS / "alliance-health-check.yaml")])
    assert good.exit_code == 0 and "8 dimensions" in good.output
    bad = runner.invoke(args=["questionnaire", "validate", str(_write(tmp_path, "- just a list"))])
    assert bad.exit_code == 2
    assert "must be a mapping" in bad.output


def test_changed_file_makes_new_version_and_rounds_keep_theirs(
    app, runner, tmp_path, make_alliance, make_round
):
    doc = questionnaires.load_file(SURVEYS / "supplier-performance.yaml")
    alliance_id = make_alliance()
    round_id = make_round(alliance_id, survey="supplier-performance")
    again = runner.invoke(args=["questionnaire", "import", str(SURVEYS / "supplier-performance.yaml")])
    assert "supplier-performance@1: unchanged" in again.output
    doc["dimensions"][0]["questions"][0]["text"] = "Changed wording."
    changed = runner.invoke(args=["questionnaire", "import", str(_write(tmp_path, doc, "s.yaml"))])
    assert changed.exit_code == 0, changed.output
    assert "supplier-performance@2: imported" in changed.output
    with app.app_context():
        from healthcheck.models import Round

        rnd = db.session.get(Round, round_id)
        assert rnd.questionnaire.ref == "supplier-performance@1"
        assert rnd.questionnaire.questions[0].text != "Changed wording."
        assert questionnaires.latest("supplier-performance").version == 2


def test_import_is_all_or_nothing(app, runner, tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    good = questionnaires.load_file(SURVEYS / "digital-partnership.yaml")
    good["key"] = "new-one"
    _write(folder, good, "a.yaml")
    _write(folder, {"key": "broken"}, "b.yaml")
    result = runner.invoke(args=["questionnaire", "import", str(folder)])
    assert result.exit_code == 2
    with app.app_context():
        assert questionnaires.latest("new-one") is None

"""Issue 17 item 4: the report's generated sentences in the reader's language (render side).

``exports.sentences`` rebuilds each warning and talking point from its code and the report's
published figures; the report itself (its English ``message``) is never changed. Expected
sentences below are worked out by hand from the German/Japanese catalogue entries; their
figures are in the reader's locale (German "4,20", "45 %" with a no-break space; Japanese
writes "4.20", "45%" as English does).
"""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from healthcheck.analysis import talking, warnings
from healthcheck.exports import sentences

TRANSLATIONS = Path(__file__).resolve().parents[2] / "healthcheck" / "translations"
NAMES = {"A": "Aurora Pharma", "B": "Borealis Bio"}
QUESTIONNAIRE = SimpleNamespace(
    languages=["en", "de"],
    translations={
        "de": {"dimensions": {"trust": {"title": "Vertrauen"}}, "questions": {"t1": "Man vertraut."}}
    },
)


@pytest.fixture(scope="module")
def babel_app():
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app)
    return app


@pytest.fixture
def german(babel_app):
    with babel_app.app_context(), force_locale("de"):
        yield


@pytest.fixture
def japanese(babel_app):
    with babel_app.app_context(), force_locale("ja"):
        yield


def _report(rate_b=0.45, suppressed_a=False, std_a=1.1):
    block_a = {
        "n": 2 if suppressed_a else 8,
        "suppressed": suppressed_a,
        "mean": None if suppressed_a else 4.2,
    }
    block_a["std"] = None if suppressed_a else std_a
    return {
        "round": {"status": "closed"},
        "scale": {"min": 1, "max": 5},
        "k_anonymity": 3,
        "alliance": {"sides": dict(NAMES)},
        "sides": {
            "A": {"response_rate": 0.9, "submitted": 8 if not suppressed_a else 2},
            "B": {"response_rate": rate_b, "submitted": 9},
        },
        "dimensions": [
            {
                "key": "trust",
                "title": "Trust",
                "A": block_a,
                "B": {"n": 9, "suppressed": False, "mean": 3.1, "std": 0.5},
                "gap": None if suppressed_a else 1.1,
                "gap_ci95": None if suppressed_a else [0.5, 1.7],
                "verdict": None if suppressed_a else "real_gap",
                "effect_size": None if suppressed_a else 0.6,
                "effect_magnitude": None if suppressed_a else "large",
            }
        ],
        "warnings": [],
    }


def test_low_response_rate_in_german_reads_the_german_sentence_with_the_percentage(german):
    report = _report(rate_b=0.45, std_a=0.8)  # 0.8 < 0.25 × 4: no divergence warning
    found = warnings.round_warnings(report, NAMES)
    assert [w["code"] for w in found] == ["low_response_rate"]
    assert found[0]["message"] == "Only 45% of invited Borealis Bio respondents answered (below 60%)."
    said = sentences.for_report(report).warning(found[0])
    # German writes "45 %" with a no-break space (CLDR, issue 17 item 4: numbers in the reader's locale)
    assert said == (
        "Nur 45\u00a0% der eingeladenen Befragten von Borealis Bio haben geantwortet (unter 60\u00a0%)."
    )


def test_low_response_rate_in_japanese(japanese):
    report = _report(rate_b=0.45)
    w = warnings.round_warnings(report, NAMES)[0]
    assert (
        sentences.for_report(report).warning(w)
        == "Borealis Bio の招待者のうち回答したのは 45% のみです（60% 未満）。"
    )


def test_english_is_the_reports_own_message(babel_app):
    report = _report()
    report["warnings"] = warnings.round_warnings(report, NAMES)
    with babel_app.app_context(), force_locale("en"):
        say = sentences.for_report(report, QUESTIONNAIRE)
        for w in report["warnings"]:
            assert say.warning(w) == w["message"]
        for p in talking.talking_points(report):
            assert say.point(p) == p["message"]
        assert say.title("trust", "Trust") == "Trust"  # English: the report's titles


def test_an_unknown_code_falls_back_to_the_english_message(german):
    w = {"code": "something_new", "side": None, "dimension": None, "message": "Something new happened."}
    assert sentences.for_report(_report()).warning(w) == "Something new happened."
    point = {"kind": "future_kind", "dimension": None, "side": None, "message": "A new kind of point."}
    assert sentences.for_report(_report()).point(point) == "A new kind of point."


def test_internal_divergence_in_german_with_the_questionnaires_german_title(german):
    report = _report(std_a=1.1)
    found = warnings.round_warnings(report, NAMES)
    divergence = [w for w in found if w["code"] == "internal_divergence"]
    assert divergence and divergence[0]["message"] == (
        "Aurora Pharma respondents disagree among themselves on Trust (std 1.10)."
    )  # 1.1 ≥ 0.25 × 4 = 1.0
    said = sentences.for_report(report, QUESTIONNAIRE).warning(divergence[0])
    assert said == (
        "Die Befragten von Aurora Pharma sind sich bei Vertrauen untereinander uneinig (Standardabweichung 1,10)."  # noqa: E501
    )


def test_a_suppressed_side_never_gets_a_figure_in_the_sentence(german):
    """A warning naming a figure of a side the report hides (here: a stale or hand-made one)
    is said without the figure: the sentence only uses what the report publishes."""
    report = _report(suppressed_a=True)
    w = {
        "code": "internal_divergence",
        "side": "A",
        "dimension": "trust",
        "message": "Aurora Pharma respondents disagree among themselves on Trust (std 1.10).",
    }
    said = sentences.for_report(report, QUESTIONNAIRE).warning(w)
    assert said == "Die Befragten von Aurora Pharma sind sich bei Vertrauen untereinander uneinig."
    assert "1.10" not in said
    fact = {
        "code": "perception_fact_mismatch",
        "side": "A",
        "dimension": "trust",
        "message": "Aurora rates 4.20.",
    }
    report["dimensions"][0]["facts"] = {"kind": "milestones", "on_time_rate": 0.4}
    assert sentences.for_report(report).warning(fact) == "Aurora rates 4.20."  # no published mean: no rebuild
    assert "4.2" not in sentences.for_report(report).hidden_reasons(["x"])[0]


def test_real_gap_talking_point_in_german(german):
    report = _report()
    points = talking.talking_points(report)
    assert points[0]["kind"] == "real_gap"
    said = sentences.for_report(report, QUESTIONNAIRE).point(points[0])
    assert said == (
        "Aurora Pharma bewertet Vertrauen deutlich höher als Borealis Bio: 4,20 gegenüber 3,10 "
        "(Abstand +1,10, 95-%-Intervall +0,50 bis +1,70; Effekt groß) — ein echter Abstand, kein Zufall."
    )


def test_dimension_drop_in_german_says_whether_beyond_noise(german):
    w = {
        "code": "dimension_drop",
        "side": "B",
        "dimension": "trust",
        "message": "Borealis Bio's view of Trust fell from 3.80 to 3.10. The change is beyond noise "
        "(95 % interval of the change -1.20 to -0.20).",
        "change": -0.7,
        "change_ci95": [-1.2, -0.2],
        "beyond_noise": True,
    }
    said = sentences.for_report(_report(), QUESTIONNAIRE).warning(w)
    assert said == (
        "Die Sicht von Borealis Bio auf Vertrauen fiel von 3,80 auf 3,10. "
        "Die Veränderung liegt über dem Rauschen (95-%-Intervall der Veränderung -1,20 bis -0,20)."
    )


def test_words_and_hidden_reasons_in_german(german):
    assert sentences.word("verdict", "real gap") == "echter Abstand"
    assert sentences.word("code", "low_response_rate") == "niedrige Rücklaufquote"
    assert sentences.word("code", "brand_new_code") == "brand new code"  # unknown: readable English
    report = _report(suppressed_a=True)
    english = ["Aurora Pharma (A): 2 answered, fewer than k = 3 — …"]
    assert sentences.for_report(report).hidden_reasons(english) == [
        "Aurora Pharma (A): 2 haben geantwortet, weniger als k = 3 — ihre Werte und Kommentare sind "
        "ausgeblendet, ebenso die Abstände und Indizes, die sie benötigen, damit keine Antwort einer "
        "Person zugeordnet werden kann."
    ]


def test_titles_come_from_the_questionnaire_only_in_a_declared_language(babel_app):
    undeclared = SimpleNamespace(
        languages=["en"], translations={"de": {"dimensions": {"trust": {"title": "X"}}}}
    )
    with babel_app.app_context(), force_locale("de"):
        assert sentences.for_report(_report(), QUESTIONNAIRE).title("trust", "Trust") == "Vertrauen"
        assert sentences.for_report(_report(), QUESTIONNAIRE).question("t1", "One trusts.") == "Man vertraut."
        assert sentences.for_report(_report(), undeclared).title("trust", "Trust") == "Trust"
    with babel_app.app_context(), force_locale("fr"):  # declared languages: en, de — French keeps English
        assert sentences.for_report(_report(), QUESTIONNAIRE).title("trust", "Trust") == "Trust"


def test_building_sentences_never_changes_the_report(german):
    report = _report()
    report["warnings"] = warnings.round_warnings(report, NAMES)
    before = copy.deepcopy(report)
    say = sentences.for_report(report, QUESTIONNAIRE)
    [say.warning(w) for w in report["warnings"]]
    [say.point(p) for p in talking.talking_points(report)]
    assert report == before


def test_outside_an_app_context_sentences_are_english():
    report = _report()
    w = warnings.round_warnings(report, NAMES)[0]
    assert sentences.language() == "en"
    assert sentences.for_report(report).warning(w) == w["message"]

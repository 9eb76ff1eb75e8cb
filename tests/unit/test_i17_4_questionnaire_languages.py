"""Issue 17 item 4: questionnaire YAML with translations per title, statement and scale label."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from healthcheck.analysis import language_mix
from healthcheck.services import questionnaires as q

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"

DOC = """
key: tiny
languages: [en, de]
title: {en: Tiny check, de: Kleiner Check}
scale:
  min: 1
  max: 2
  labels:
    - {en: "No", de: Nein}
    - {en: "Yes", de: Ja}
dimensions:
  - key: trust
    title: {en: Trust, de: Vertrauen}
    questions:
      - key: trust_keeps
        text: {en: The partner keeps its commitments., de: Der Partner hält seine Zusagen ein.}
      - key: trust_listens
        text: {en: The partner listens., de: Der Partner hört zu.}
"""


def _parse(text: str) -> dict:
    return q.parse(text.encode(), "tiny.yaml")


def _problems(text: str) -> list[str]:
    with pytest.raises(q.QuestionnaireError) as refused:
        _parse(text)
    return refused.value.problems


def test_a_translated_document_is_valid_and_keeps_english_in_place():
    doc = _parse(DOC)
    assert doc["title"] == "Tiny check" and doc["scale"]["labels"] == ["No", "Yes"]
    assert doc["languages"] == ["en", "de"]
    de = doc["translations"]["de"]
    assert de["title"] == "Kleiner Check" and de["scale_labels"] == ["Nein", "Ja"]
    assert de["dimensions"]["trust"]["title"] == "Vertrauen"
    assert de["questions"]["trust_keeps"] == "Der Partner hält seine Zusagen ein."


def test_a_missing_translation_names_file_dimension_question_and_language():
    text = DOC.replace(", de: Der Partner hört zu.", "")
    assert _problems(text) == [
        "tiny.yaml: dimensions[0].questions[1].text: no 'de' translation "
        "(dimension trust, question trust_listens, language de)"
    ]


def test_missing_translations_of_title_label_and_dimension_are_each_named():
    text = DOC.replace(", de: Kleiner Check", "").replace(", de: Ja", "").replace(", de: Vertrauen", "")
    assert _problems(text) == [
        "tiny.yaml: title: no 'de' translation (language de)",
        "tiny.yaml: scale.labels[1]: no 'de' translation (point 2, language de)",
        "tiny.yaml: dimensions[0].title: no 'de' translation (dimension trust, language de)",
    ]


def test_a_plain_string_needs_translations_once_languages_are_declared():
    text = DOC.replace("{en: Trust, de: Vertrauen}", "Trust")
    assert _problems(text) == [
        "tiny.yaml: dimensions[0].title: no 'de' translation (dimension trust, language de)"
    ]


def test_an_undeclared_or_unknown_language_is_an_error():
    undeclared = DOC.replace("de: Der Partner hört zu.}", "de: Der Partner hört zu., fr: Il écoute.}")
    assert _problems(undeclared) == [
        "tiny.yaml: dimensions[0].questions[1].text: language 'fr' is not declared in languages "
        "(en, de) (dimension trust, question trust_listens, language fr)"
    ]
    unknown = DOC.replace("languages: [en, de]", "languages: [en, de, xx]")
    assert "tiny.yaml: languages: 'xx' is not one of en, de, fr, es, ja" in _problems(unknown)
    no_english = DOC.replace("languages: [en, de]", "languages: [de]")
    assert any("must include en" in p for p in _problems(no_english))


def test_plain_strings_stay_valid_as_english_and_keep_their_content_hash():
    plain = yaml.safe_load((SURVEYS / "supplier-performance.yaml").read_text())
    english = copy.deepcopy(plain)
    english.pop("languages")

    def en(value):
        return value["en"] if isinstance(value, dict) else value

    english["title"], english["description"] = en(english["title"]), en(english["description"])
    english["scale"]["labels"] = [en(x) for x in english["scale"]["labels"]]
    for d in english["dimensions"]:
        d["title"] = en(d["title"])
        for item in d["questions"]:
            item["text"] = en(item["text"])
    assert q.validate(english) == []
    only_english = q.normalise(english)
    assert "languages" not in only_english and "translations" not in only_english
    translated = q.normalise(plain)
    # the English text is the same; the translations make it a new version
    assert {k: v for k, v in translated.items() if k not in ("languages", "translations")} == only_english
    assert q.content_hash(translated) != q.content_hash(only_english)


@pytest.mark.parametrize("name", ["alliance-health-check", "digital-partnership", "supplier-performance"])
def test_shipped_questionnaires_are_in_five_languages(name):
    doc = q.load_file(SURVEYS / f"{name}.yaml")
    assert doc["languages"] == ["en", "de", "fr", "es", "ja"]
    questions = [item["key"] for d in doc["dimensions"] for item in d["questions"]]
    for code in ("de", "fr", "es", "ja"):
        found = doc["translations"][code]
        assert set(found["questions"]) == set(questions)
        assert all(found["questions"].values()) and len(found["scale_labels"]) == 5
        assert found["questions"][questions[0]] != doc["dimensions"][0]["questions"][0]["text"]


def test_a_normalised_document_round_trips_through_its_translations_block():
    doc = _parse(DOC)
    again = q.parse(yaml.safe_dump(doc, allow_unicode=True).encode(), "again.yaml")
    assert again == doc
    broken = copy.deepcopy(doc)
    broken["translations"]["de"]["questions"]["nope"] = "Nein"
    del broken["translations"]["de"]["questions"]["trust_listens"]
    with pytest.raises(q.QuestionnaireError) as refused:
        q.parse(yaml.safe_dump(broken, allow_unicode=True).encode(), "again.yaml")
    assert refused.value.problems == [
        "again.yaml: translations.de.questions: unknown key 'nope' (language de)",
        "again.yaml: dimensions[0].questions[1].text: no 'de' translation "
        "(dimension trust, question trust_listens, language de)",
    ]


def test_language_counts_follow_the_panel_k_rule():
    # k = 3, the panel's rule (analysis/panel.py): a count is shown when at least k, else "<k";
    # every language is listed, so a "<k" does not tell which language the few answered in.
    block = language_mix.published({"A": {"en": 5, "de": 3}, "B": {"en": 4, "ja": 1}}, 3)
    assert block["A"] == {"en": 5, "de": 3, "fr": "<k", "es": "<k", "ja": "<k"}
    assert block["B"] == {"en": 4, "de": "<k", "fr": "<k", "es": "<k", "ja": "<k"}
    # one language alone hidden while it has answers: the side's total would give it away, so
    # the smallest shown count (the first language among equals) is hidden as well
    block = language_mix.published({"A": {"en": 3, "de": 3, "fr": 4, "es": 5, "ja": 1}, "B": {}}, 3)
    assert block["A"] == {"en": "<k", "de": 3, "fr": 4, "es": 5, "ja": "<k"}
    assert block["B"] == {code: "<k" for code in ("en", "de", "fr", "es", "ja")}

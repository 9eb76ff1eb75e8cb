"""Issue 11, items 12-15 (part): attacks from outside the suite on the stack, YAML, sessions, ids,
account enumeration, access logs, admin passwords and login throttling."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import yaml

from healthcheck.services import questionnaires

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


# --- 13. YAML alias bomb -------------------------------------------------------------------------


def _bomb(levels: int = 9, width: int = 9) -> str:
    """Nested aliases: ``width ** levels`` strings from a few hundred bytes."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _validate_in_child(path: str, queue) -> None:
    from click.testing import CliRunner

    from healthcheck.cli import questionnaire_validate

    result = CliRunner().invoke(questionnaire_validate, [path])
    queue.put((result.exit_code, result.output))


def _validate_bounded(path: Path, seconds: float = 20) -> tuple[int, str]:
    """Run `questionnaire validate` in a child process so a bomb cannot take the test runner down."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_validate_in_child, args=(str(path), queue))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError(f"questionnaire validate still running after {seconds} s")
    return queue.get(timeout=5)


def test_trust_13_yaml_alias_bomb_is_refused_with_file_and_line(tmp_path):
    good = yaml.safe_load((SURVEYS / "digital-partnership.yaml").read_text())
    path = tmp_path / "bomb.yaml"
    # a valid questionnaire plus a billion-laughs block in a key nobody reads
    block = "".join("  " + line + "\n" for line in _bomb().splitlines())
    path.write_text(yaml.safe_dump(good) + "notes:\n" + block)
    assert path.stat().st_size < questionnaires.MAX_FILE_BYTES
    code, output = _validate_bounded(path)
    assert code == 2, output
    assert str(path) in output and "line " in output
    assert "anchors and aliases" in output and "not allowed" in output


def test_trust_13_one_alias_anywhere_is_refused(tmp_path):
    good = (SURVEYS / "digital-partnership.yaml").read_text()
    path = tmp_path / "alias.yaml"
    path.write_text(good.replace("title:", "title: &t", 1).rstrip("\n") + "\nextra: *t\n")
    try:
        questionnaires.load_file(path)
    except questionnaires.QuestionnaireError as exc:
        assert any("anchors and aliases" in p for p in exc.problems), exc.problems
    else:
        raise AssertionError("an anchor was accepted")


def test_trust_13_unknown_keys_are_refused_at_every_level(tmp_path):
    doc = yaml.safe_load((SURVEYS / "digital-partnership.yaml").read_text())
    doc["notes"] = "free text"
    doc["scale"]["step"] = 1
    doc["dimensions"][0]["colour"] = "red"
    doc["dimensions"][1]["questions"][0]["hint"] = "x"
    path = tmp_path / "unknown.yaml"
    path.write_text(yaml.safe_dump(doc))
    try:
        questionnaires.load_file(path)
    except questionnaires.QuestionnaireError as exc:
        text = "\n".join(exc.problems)
    else:
        raise AssertionError("unknown keys were accepted")
    assert "unknown key 'notes'" in text and "allowed: " in text
    assert "scale: unknown key 'step'" in text
    assert "dimensions[0]: unknown key 'colour'" in text
    assert "dimensions[1].questions[0]: unknown key 'hint'" in text


def test_trust_13_library_questionnaires_still_valid():
    for path in SURVEYS.glob("*.yaml"):
        assert questionnaires.load_file(path)["dimensions"]
    assert time  # keeps the import used when tests are run one at a time

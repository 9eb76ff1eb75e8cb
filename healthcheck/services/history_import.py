"""Import a health check run elsewhere (CSV of DESIGN.md §4) as a closed round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from healthcheck.analysis import panel
from healthcheck.extensions import db
from healthcheck.models import Invitation, Round
from healthcheck.models.base import utcnow
from healthcheck.services import alliances, audit, csvtools, questionnaires, responses, summaries
from healthcheck.services.dataset import EXPECTED
from healthcheck.services.errors import InvalidInput
from healthcheck.services.rounds import rounds_of
from healthcheck.services.text import single_line_problem

HEADER = ["side", "respondent", "question", "score", "comment"]
OPTIONAL = ["function"]  # the respondent's function (DESIGN §3.15); blank or absent: other


@dataclass
class ImportSpec:
    alliance: str
    side_a: str
    side_b: str
    questionnaire: str
    round_label: str
    closes_on: date | None = None
    segment: str = "typical"


@dataclass
class ImportResult:
    round: Round
    respondents: dict[str, int]
    answers: int


def _item(name: str, questionnaire, questions: dict, dims: dict) -> tuple[str | None, str | None, str | None]:
    """(question key or None, prediction dimension key or None, problem) of a ``question`` cell:
    a question key, or ``expected:<dimension key>`` (DESIGN §3.14) where the version asks them."""
    if not name.startswith(EXPECTED):
        if name in questions:
            return name, None, None
        return None, None, f"question {name!r} is not in {questionnaire.ref}"
    dim = name[len(EXPECTED) :]
    if not questionnaire.meta_perception:
        return None, None, f"{name!r}: {questionnaire.ref} asks no predictions (meta_perception is off)"
    if dim not in dims:
        return None, None, f"{name!r}: {dim!r} is not a dimension key of {questionnaire.ref}"
    return None, dim, None


def _parse_rows(raw, questionnaire) -> tuple[dict, list[str]]:
    """{(side, respondent): {"scores": {q: score}, "predictions": {dim: score}, "comments":
    {dim: [text]}}}, problems."""
    try:
        records = csvtools.rows(csvtools.decode(raw, "CSV"), HEADER, "CSV", OPTIONAL)
    except ValueError as exc:
        return {}, [str(exc)]
    if not records:
        return {}, ["CSV: no answers below the header"]
    questions = {q.key: q for q in questionnaire.questions}
    dims = {d.key: d for d in questionnaire.dimensions}
    lo, hi = questionnaire.scale_min, questionnaire.scale_max
    people: dict[tuple[str, str], dict] = {}
    problems = []
    for line, rec in records:
        if "__error__" in rec:
            problems.append(f"line {line}: {rec['__error__']}")
            continue
        found = []
        side = rec["side"].upper()
        if side not in ("A", "B"):
            found.append(f"side must be A or B (got {rec['side']!r})")
        if not rec["respondent"]:
            found.append("respondent: required (any id)")
        qkey, dim, problem = _item(rec["question"], questionnaire, questions, dims)
        if problem:
            found.append(problem)
        score_text = rec["score"]
        score = None
        if score_text and score_text.upper() not in ("NA", "N/A"):
            if score_text in {str(v) for v in range(lo, hi + 1)}:  # "²".isdigit() is True
                score = int(score_text)
            else:
                found.append(f"score must be an integer from {lo} to {hi}, empty or NA (got {score_text!r})")
        if len(rec["comment"]) > 5000:
            found.append("comment: at most 5000 characters")
        function = panel.parse(rec.get("function", ""))
        if function is None:
            found.append(panel.problem(rec["function"]))
        if found:
            problems += [f"line {line}: {p}" for p in found]
            continue
        person = people.setdefault(
            (side, rec["respondent"]), {"scores": {}, "predictions": {}, "comments": {}, "function": None}
        )
        if rec.get("function") and person["function"] not in (None, function):
            problems.append(
                f"line {line}: respondent {rec['respondent']!r} of side {side} was given function "
                f"{person['function']} on an earlier line, {function} here"
            )
            continue
        if rec.get("function"):
            person["function"] = function
        into, key = (person["scores"], qkey) if qkey else (person["predictions"], dim)
        if key in into:
            who = f"respondent {rec['respondent']!r} of side {side}"
            problems.append(f"line {line}: {who} already answered {rec['question']}")
            continue
        into[key] = score
        if rec["comment"]:
            person["comments"].setdefault(dim or questions[qkey].dimension.key, []).append(rec["comment"])
    return people, problems


def run(spec: ImportSpec, raw: bytes | str, actor=None) -> ImportResult:
    """All-or-nothing import; InvalidInput lists every bad line with its number."""
    questionnaire = questionnaires.latest(spec.questionnaire)
    if questionnaire is None:
        raise InvalidInput(
            f"--questionnaire: no questionnaire with key {spec.questionnaire!r}; "
            "import it first (healthcheck questionnaire import)"
        )
    people, problems = _parse_rows(raw, questionnaire)
    for option, value in (
        ("--alliance", spec.alliance),
        ("--side-a", spec.side_a),
        ("--side-b", spec.side_b),
        ("--round", spec.round_label),
    ):
        if found := single_line_problem(option, value):
            problems.append(found)
    alliance = alliances.by_name(spec.alliance)
    if alliance is not None:
        given = (spec.side_a.strip().lower(), spec.side_b.strip().lower())
        if given != (alliance.side_a.name.lower(), alliance.side_b.name.lower()):
            problems.append(
                f"--side-a/--side-b: alliance {alliance.name!r} is between "
                f"{alliance.side_a.name} (A) and {alliance.side_b.name} (B)"
            )
        elif any(r.label == spec.round_label for r in rounds_of(alliance)):
            problems.append(f"--round: alliance {alliance.name!r} already has a round {spec.round_label!r}")
    if problems:
        raise InvalidInput(problems)
    if alliance is None:
        alliance = alliances.save(
            alliances.AllianceData(spec.alliance, spec.side_a, spec.side_b, spec.segment), actor
        )
    closes_on = spec.closes_on or date.today()
    rnd = Round(
        alliance=alliance,
        questionnaire=questionnaire,
        label=spec.round_label.strip(),
        status="closed",
        opens_on=closes_on - timedelta(days=21),
        closes_on=closes_on,
        imported=True,
        k_anonymity=alliance.k_anonymity,
    )
    stamp = datetime.combine(closes_on, datetime.min.time())
    rnd.opened_at, rnd.closed_at = stamp - timedelta(days=21), stamp
    db.session.add(rnd)
    db.session.flush()
    count = _write(rnd, questionnaire, people, stamp)
    summaries.refresh_round(rnd)
    audit.record("round.import", actor, rnd, answers=count)
    sides = {s: sum(1 for side, _ in people if side == s) for s in ("A", "B")}
    return ImportResult(rnd, sides, count)


def _write(rnd: Round, questionnaire, people: dict, stamp: datetime) -> int:
    questions = {q.key: q for q in questionnaire.questions}
    dims = {d.key: d.id for d in questionnaire.dimensions}
    count = 0
    for (side, _given_id), person in people.items():
        inv = Invitation(
            round_id=rnd.id,
            side=side,
            status="submitted",
            submitted_at=stamp,
            created_at=utcnow(),
            function=person["function"] or panel.DEFAULT,
        )
        db.session.add(inv)
        db.session.flush()
        responses.record_submitted(
            inv,
            {questions[k].id: v for k, v in person["scores"].items()},
            {dims[d]: "\n".join(texts) for d, texts in person["comments"].items()},
            stamp,
            {dims[d]: v for d, v in person["predictions"].items()},
        )
        count += len(person["scores"])
    db.session.flush()
    return count

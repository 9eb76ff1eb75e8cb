"""Questionnaire library: validate YAML files and import them as frozen versions."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import func, select

from healthcheck import languages as language_codes
from healthcheck.extensions import db
from healthcheck.models import Dimension, Question, Questionnaire
from healthcheck.services.questionnaire_texts import (
    check_text,
    declared_languages,
    inline_translations,
    text_in,
    translation,
)

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
MAX_FILE_BYTES = 512 * 1024
ALLOWED_KEYS = {
    "": (
        *("key", "title", "description", "languages", "translations"),
        *("scale", "meta_perception", "dimensions"),
    ),
    "scale": ("min", "max", "labels"),
    "dimension": ("key", "title", "description", "weight", "questions"),
    "question": ("key", "text"),
}
NO_ALIASES = (
    "anchors and aliases (&name, *name, <<: merge keys) are not allowed in a questionnaire; "
    "write every value out in full"
)


class QuestionnaireError(Exception):
    """A questionnaire file is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases: nested aliases expand exponentially
    (a "billion laughs" block) from a small file."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(None, None, NO_ALIASES, event.start_mark)
        return super().compose_node(parent, index)


@dataclass
class ImportResult:
    questionnaire: Questionnaire
    created: bool


def load_file(path: str | Path) -> dict:
    """Read and validate one questionnaire file; raise QuestionnaireError naming the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError([f"{path}: cannot read file ({exc.strerror})"]) from exc
    return parse(raw, str(path))


def parse(raw: bytes, source: str) -> dict:
    if len(raw) > MAX_FILE_BYTES:
        raise QuestionnaireError([f"{source}: file is larger than {MAX_FILE_BYTES} bytes"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError([f"{source}: not valid UTF-8 (byte {exc.start})"]) from exc
    try:
        doc = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc)
        kind = "not allowed" if problem == NO_ALIASES else "YAML syntax error"
        raise QuestionnaireError([f"{source}: {kind} at {where}: {problem}"]) from exc
    problems = validate(doc)
    if problems:
        raise QuestionnaireError([f"{source}: {p}" for p in problems])
    return normalise(doc)


def validate(doc) -> list[str]:
    """Every problem in a parsed document, each naming its place in the document."""
    if not isinstance(doc, dict):
        return ["the document must be a mapping with key, title, scale and dimensions"]
    problems: list[str] = _unknown_keys(doc, "", "")
    doc = inline_translations(doc, problems)
    _check_key(doc.get("key"), "key", problems)
    langs = declared_languages(doc.get("languages"), problems)
    check_text(doc.get("title"), "title", langs, problems)
    check_text(doc.get("description"), "description", langs, problems, required=False)
    problems += _validate_scale(doc.get("scale", {"min": 1, "max": 5}), langs)
    if not isinstance(doc.get("meta_perception", False), bool):
        problems.append(f"meta_perception: must be true or false, got {doc['meta_perception']!r}")
    dims = doc.get("dimensions")
    if not isinstance(dims, list) or not dims:
        problems.append("dimensions: required, a non-empty list")
        return problems
    dim_keys: set[str] = set()
    question_keys: set[str] = set()
    for i, dim in enumerate(dims):
        place = f"dimensions[{i}]"
        if not isinstance(dim, dict):
            problems.append(f"{place}: must be a mapping with key, title, questions")
            continue
        problems += _unknown_keys(dim, "dimension", place)
        _check_unique_key(dim.get("key"), f"{place}.key", dim_keys, problems)
        about = _named("dimension", dim.get("key"))
        check_text(dim.get("title"), f"{place}.title", langs, problems, about=about)
        check_text(dim.get("description"), f"{place}.description", langs, problems, False, about)
        weight = dim.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            problems.append(f"{place}.weight: must be a number > 0, got {weight!r}")
        questions = dim.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{place}.questions: required, a non-empty list")
            continue
        for j, q in enumerate(questions):
            qplace = f"{place}.questions[{j}]"
            if not isinstance(q, dict):
                problems.append(f"{qplace}: must be a mapping with key and text")
                continue
            problems += _unknown_keys(q, "question", qplace)
            _check_unique_key(q.get("key"), f"{qplace}.key", question_keys, problems)
            where = f"{about}, {_named('question', q.get('key'))}"
            check_text(q.get("text"), f"{qplace}.text", langs, problems, about=where)
    if doc.get("meta_perception") is True:  # a prediction's form field is p-<dimension key>
        for name in sorted(question_keys & {f"p-{d}" for d in dim_keys}):
            problems.append(f"question key {name!r} is taken by the prediction of a dimension; rename it")
    return problems


def _named(kind: str, key) -> str:
    """``dimension milestones``: what a place is, by its key when it has one."""
    return f"{kind} {key}" if isinstance(key, str) and key else kind


def _validate_scale(scale, langs: list[str] | None = None) -> list[str]:
    if not isinstance(scale, dict):
        return ["scale: must be a mapping with min, max and labels"]
    unknown = _unknown_keys(scale, "scale", "scale")
    if unknown:
        return unknown
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
        return [f"scale: min and max must be integers, got {lo!r} and {hi!r}"]
    if not 0 <= lo < hi <= 10:
        return [f"scale: need 0 <= min < max <= 10, got min={lo}, max={hi}"]
    labels = scale.get("labels", [])
    if labels and (
        not isinstance(labels, list)
        or len(labels) != hi - lo + 1
        or not all(isinstance(x, str | dict) for x in labels)
    ):
        return [f"scale.labels: must be a list of {hi - lo + 1} texts, one per point"]
    problems: list[str] = []
    for i, label in enumerate(labels or []):
        where = f"point {lo + i}"
        check_text(label, f"scale.labels[{i}]", langs or [language_codes.DEFAULT], problems, about=where)
    return problems


def _unknown_keys(mapping: dict, kind: str, place: str) -> list[str]:
    """One problem per key the questionnaire format does not know (typos would vanish silently)."""
    allowed = ALLOWED_KEYS[kind]
    prefix = f"{place}: " if place else ""
    names = ", ".join(allowed)
    return [f"{prefix}unknown key {key!r} (allowed: {names})" for key in mapping if key not in allowed]


def _check_key(value, place: str, problems: list[str]) -> None:
    if not isinstance(value, str) or not KEY_RE.match(value):
        problems.append(f"{place}: must be lower-case letters, digits, '-' or '_' (got {value!r})")


def _check_unique_key(value, place: str, seen: set[str], problems: list[str]) -> None:
    _check_key(value, place, problems)
    if isinstance(value, str):
        if value in seen:
            problems.append(f"{place}: duplicate key {value!r}")
        seen.add(value)


def normalise(doc: dict) -> dict:
    doc = inline_translations(doc, [])
    scale = doc.get("scale") or {}
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    # meta_perception appears only when on: the content hash of every earlier file stays the same
    meta = {"meta_perception": True} if doc.get("meta_perception") else {}
    out = {
        "key": doc["key"],
        "title": text_in(doc["title"]),
        "description": text_in(doc.get("description")),
        "scale": {"min": lo, "max": hi, "labels": [text_in(x) for x in scale.get("labels") or []]},
        **meta,
        "dimensions": [
            {
                "key": d["key"],
                "title": text_in(d["title"]),
                "description": text_in(d.get("description")),
                "weight": float(d.get("weight", 1)),
                "questions": [{"key": q["key"], "text": text_in(q["text"])} for q in d["questions"]],
            }
            for d in doc["dimensions"]
        ],
    }
    langs = declared_languages(doc.get("languages"), [])
    if len(langs) > 1:  # like meta_perception: an English-only file keeps its content hash
        out["languages"] = langs
        out["translations"] = {code: translation(doc, code) for code in langs[1:]}
    return out


def content_hash(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def latest(key: str) -> Questionnaire | None:
    return db.session.scalars(
        select(Questionnaire).where(Questionnaire.key == key).order_by(Questionnaire.version.desc())
    ).first()


def import_document(doc: dict) -> ImportResult:
    """Store ``doc`` as a new version unless the latest version has the same content."""
    digest = content_hash(doc)
    current = latest(doc["key"])
    if current is not None and current.content_hash == digest:
        return ImportResult(current, created=False)
    version = (
        db.session.scalar(select(func.max(Questionnaire.version)).where(Questionnaire.key == doc["key"])) or 0
    ) + 1
    q = Questionnaire(
        key=doc["key"],
        version=version,
        title=doc["title"],
        description=doc["description"],
        scale_min=doc["scale"]["min"],
        scale_max=doc["scale"]["max"],
        scale_labels=doc["scale"]["labels"],
        meta_perception=bool(doc.get("meta_perception")),
        content_hash=digest,
        languages=doc.get("languages"),
        translations=doc.get("translations"),
    )
    dims = []
    for i, d in enumerate(doc["dimensions"]):
        dim = Dimension(
            key=d["key"],
            title=d["title"],
            description=d["description"],
            weight=d["weight"],
            position=i,
        )
        q.dimensions.append(dim)
        dims.append((dim, d["questions"]))
    db.session.add(q)
    db.session.flush()
    for dim, items in dims:
        for j, item in enumerate(items):
            dim.questions.append(
                Question(questionnaire_id=q.id, key=item["key"], text=item["text"], position=j)
            )
    db.session.flush()
    return ImportResult(q, created=True)


def import_path(path: str | Path) -> list[ImportResult]:
    """Import a file or every ``*.yaml``/``*.yml`` in a folder; all files validated first."""
    path = Path(path)
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
    if not files:
        raise QuestionnaireError([f"{path}: no .yaml files found"])
    docs, problems = [], []
    for f in files:
        try:
            docs.append(load_file(f))
        except QuestionnaireError as exc:
            problems += exc.problems
    if problems:
        raise QuestionnaireError(problems)
    return [import_document(doc) for doc in docs]


def available() -> list[Questionnaire]:
    """The latest version of every questionnaire key."""
    rows = db.session.scalars(select(Questionnaire).order_by(Questionnaire.key, Questionnaire.version))
    by_key: dict[str, Questionnaire] = {}
    for q in rows:
        by_key[q.key] = q
    return list(by_key.values())


@dataclass(frozen=True)
class Shape:
    """What a submission needs to know of a questionnaire version, without loading it."""

    scale_min: int
    scale_max: int
    question_ids: dict[str, int]  # key → id, in questionnaire order
    dimension_ids: dict[str, int]
    meta_perception: bool = False  # one prediction per dimension (DESIGN §3.14)

    @property
    def prediction_dimensions(self) -> dict[str, int]:
        """Dimension key → id of the predictions a respondent gives (none without meta-perception)."""
        return self.dimension_ids if self.meta_perception else {}


_shapes: dict[tuple[int, str], Shape] = {}


def shape(questionnaire: Questionnaire) -> Shape:
    """Cached per process: a stored version never changes (its content hash is in the key)."""
    key = (questionnaire.id, questionnaire.content_hash)
    found = _shapes.get(key)
    if found is None:
        dims = db.session.execute(
            select(Dimension.key, Dimension.id)
            .where(Dimension.questionnaire_id == questionnaire.id)
            .order_by(Dimension.position)
        ).all()
        questions = db.session.execute(
            select(Question.key, Question.id)
            .join(Dimension, Dimension.id == Question.dimension_id)
            .where(Question.questionnaire_id == questionnaire.id)
            .order_by(Dimension.position, Question.position)
        ).all()
        found = Shape(
            questionnaire.scale_min,
            questionnaire.scale_max,
            dict(questions),
            dict(dims),
            bool(questionnaire.meta_perception),
        )
        _shapes[key] = found
    return found

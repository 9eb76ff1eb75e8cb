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
    doc = _inline(doc, problems)
    _check_key(doc.get("key"), "key", problems)
    langs = _languages(doc.get("languages"), problems)
    _text(doc.get("title"), "title", langs, problems)
    _text(doc.get("description"), "description", langs, problems, required=False)
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
        _text(dim.get("title"), f"{place}.title", langs, problems, about=about)
        _text(dim.get("description"), f"{place}.description", langs, problems, False, about)
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
            _text(q.get("text"), f"{qplace}.text", langs, problems, about=where)
    if doc.get("meta_perception") is True:  # a prediction's form field is p-<dimension key>
        for name in sorted(question_keys & {f"p-{d}" for d in dim_keys}):
            problems.append(f"question key {name!r} is taken by the prediction of a dimension; rename it")
    return problems


def _named(kind: str, key) -> str:
    """``dimension milestones``: what a place is, by its key when it has one."""
    return f"{kind} {key}" if isinstance(key, str) and key else kind


def _languages(value, problems: list[str]) -> list[str]:
    """The declared languages (English first, always); problems for anything else."""
    if value is None:
        return [language_codes.DEFAULT]
    allowed = language_codes.allowed()
    if not isinstance(value, list) or not value:
        problems.append(f"languages: a list of language codes ({allowed}), got {value!r}")
        return [language_codes.DEFAULT]
    found: list[str] = []
    for code in value:
        if not language_codes.valid(code):
            problems.append(f"languages: {code!r} is not one of {allowed}")
        elif code in found:
            problems.append(f"languages: {code!r} is listed twice")
        else:
            found.append(code)
    if language_codes.DEFAULT not in found:
        problems.append("languages: must include en (English is every questionnaire's base language)")
    return [language_codes.DEFAULT, *(c for c in found if c != language_codes.DEFAULT)]


def _text(
    value, place: str, langs: list[str], problems: list[str], required: bool = True, about: str = ""
) -> None:
    """A translatable text: a plain string (English) or ``{en: …, de: …}``; every declared
    language needs a non-empty text, and no language may appear that is not declared."""
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return  # an optional text left out (a blank one too)
    if isinstance(value, str):
        value = {language_codes.DEFAULT: value}
    if not isinstance(value, dict):
        problems.append(f"{place}: required text, or a mapping of language to text")
        return
    about = f"{about}, " if about else ""
    for code in value:
        if code not in langs:
            problems.append(
                f"{place}: language {code!r} is not declared in languages ({', '.join(langs)}) "
                f"({about}language {code})"
            )
    for code in langs:
        text = value.get(code)
        if not isinstance(text, str) or not text.strip():
            what = "required text" if code == language_codes.DEFAULT else f"no {code!r} translation"
            problems.append(f"{place}: {what} ({about}language {code})")


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
        _text(label, f"scale.labels[{i}]", langs or [language_codes.DEFAULT], problems, about=where)
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


def _in(value, code: str = language_codes.DEFAULT) -> str:
    """A translatable text in one language (a plain string is English)."""
    if isinstance(value, dict):
        value = value.get(code)
    return (value or "").strip()


def _inline(doc: dict, problems: list[str]) -> dict:
    """A document whose translations come as one ``translations:`` block (the form
    ``normalise`` returns: {lang: {title, description, scale_labels, dimensions: {key:
    {title, description}}, questions: {key: text}}}) as the same document with every text
    written ``{en: …, de: …}``; unknown keys in the block are problems."""
    block = doc.get("translations")
    if block is None:
        return doc
    if not isinstance(block, dict) or not all(isinstance(v, dict) for v in block.values()):
        problems.append("translations: a mapping of language to its texts")
        return doc
    out = json.loads(json.dumps(doc))  # a deep copy of plain YAML data
    dims = [d for d in out.get("dimensions") or [] if isinstance(d, dict)]
    known = {"dimensions": {d.get("key") for d in dims}}
    known["questions"] = {q.get("key") for d in dims for q in d.get("questions") or [] if isinstance(q, dict)}
    for code, texts in block.items():
        for part in ("dimensions", "questions"):
            for key in texts.get(part) or {}:
                if key not in known[part]:
                    problems.append(f"translations.{code}.{part}: unknown key {key!r} (language {code})")
        _put(out, "title", code, texts.get("title"))
        _put(out, "description", code, texts.get("description"))
        scale = out.get("scale") if isinstance(out.get("scale"), dict) else {}
        labels = scale.get("labels") if isinstance(scale.get("labels"), list) else []
        for i, label in enumerate((texts.get("scale_labels") or [])[: len(labels)]):
            holder = {"x": labels[i]}
            _put(holder, "x", code, label)
            labels[i] = holder["x"]
        for d in dims:
            own = (texts.get("dimensions") or {}).get(d.get("key")) or {}
            _put(d, "title", code, own.get("title"))
            _put(d, "description", code, own.get("description"))
            for q in d.get("questions") or []:
                if isinstance(q, dict):
                    _put(q, "text", code, (texts.get("questions") or {}).get(q.get("key")))
    out.pop("translations")
    return out


def _put(holder: dict, name: str, code: str, text) -> None:
    """Add ``code``'s text to a translatable field (blank adds nothing: validation names it)."""
    if not isinstance(text, str) or not text.strip():
        return
    value = holder.get(name)
    if isinstance(value, str) and value.strip():
        holder[name] = {language_codes.DEFAULT: value, code: text}
    elif isinstance(value, dict):
        value.setdefault(code, text)


def normalise(doc: dict) -> dict:
    doc = _inline(doc, [])
    scale = doc.get("scale") or {}
    lo, hi = scale.get("min", 1), scale.get("max", 5)
    # meta_perception appears only when on: the content hash of every earlier file stays the same
    meta = {"meta_perception": True} if doc.get("meta_perception") else {}
    out = {
        "key": doc["key"],
        "title": _in(doc["title"]),
        "description": _in(doc.get("description")),
        "scale": {"min": lo, "max": hi, "labels": [_in(x) for x in scale.get("labels") or []]},
        **meta,
        "dimensions": [
            {
                "key": d["key"],
                "title": _in(d["title"]),
                "description": _in(d.get("description")),
                "weight": float(d.get("weight", 1)),
                "questions": [{"key": q["key"], "text": _in(q["text"])} for q in d["questions"]],
            }
            for d in doc["dimensions"]
        ],
    }
    langs = _languages(doc.get("languages"), [])
    if len(langs) > 1:  # like meta_perception: an English-only file keeps its content hash
        out["languages"] = langs
        out["translations"] = {code: _translation(doc, code) for code in langs[1:]}
    return out


def _translation(doc: dict, code: str) -> dict:
    """One language's texts of a validated document, by key (see Questionnaire.translations)."""
    scale = doc.get("scale") or {}
    return {
        "title": _in(doc["title"], code),
        "description": _in(doc.get("description"), code),
        "scale_labels": [_in(x, code) for x in scale.get("labels") or []],
        "dimensions": {
            d["key"]: {"title": _in(d["title"], code), "description": _in(d.get("description"), code)}
            for d in doc["dimensions"]
        },
        "questions": {q["key"]: _in(q["text"], code) for d in doc["dimensions"] for q in d["questions"]},
    }


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

"""The translatable texts of a questionnaire document (issue 17): its declared languages,
a text in each of them (a plain string is English), the ``translations:`` block written out
per text, and one language's texts by key. Pure functions over plain YAML data."""

from __future__ import annotations

import json

from healthcheck import languages as language_codes


def declared_languages(value, problems: list[str]) -> list[str]:
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


def check_text(
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


def text_in(value, code: str = language_codes.DEFAULT) -> str:
    """A translatable text in one language (a plain string is English)."""
    if isinstance(value, dict):
        value = value.get(code)
    return (value or "").strip()


def inline_translations(doc: dict, problems: list[str]) -> dict:
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


def translation(doc: dict, code: str) -> dict:
    """One language's texts of a validated document, by key (see Questionnaire.translations)."""
    scale = doc.get("scale") or {}
    return {
        "title": text_in(doc["title"], code),
        "description": text_in(doc.get("description"), code),
        "scale_labels": [text_in(x, code) for x in scale.get("labels") or []],
        "dimensions": {
            d["key"]: {"title": text_in(d["title"], code), "description": text_in(d.get("description"), code)}
            for d in doc["dimensions"]
        },
        "questions": {q["key"]: text_in(q["text"], code) for d in doc["dimensions"] for q in d["questions"]},
    }

"""Documents that leave as files: the DESIGN §4 JSON and self-contained HTML packs.

Packs are rendered here with a Jinja environment of their own (autoescape on, the pages'
filters), from a context of plain data, the report and its rendered charts: no Flask, no
database. The page templates include the same report body (``templates/reports/``), so a
page and its pack show the same figures. Packs carry no links: inline CSS and SVG only.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale, gettext, ngettext
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from healthcheck import languages
from healthcheck.exports import sentences, wording
from healthcheck.exports.formatting import FILTERS
from healthcheck.languages import NAMES as language_names

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEETS = [Path(__file__).resolve().parent.parent / "web" / "static" / n for n in ("pack.css", "app.css")]


def filename(*parts: str) -> str:
    """A human-friendly download name (Content-Disposition only: names can collide)."""
    *stem, ext = parts
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(stem)).strip("-").lower() or "report"
    return f"{slug}.{ext}"


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def _no_links(*_args, **_kwargs):
    raise RuntimeError("a report pack carries no links (render it with downloads=False)")


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
_env.filters.update(FILTERS)
_env.globals["url_for"] = _no_links
_env.add_extension("jinja2.ext.i18n")  # the report templates mark their text (issue 17)
# packs speak the language of the Flask-Babel locale they are rendered in (``language``
# below forces one); outside an app context gettext is English
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
_env.globals["LANGUAGE_NAMES"] = language_names
_env.globals.update(sentences.GLOBALS)
_env.filters["word"] = wording.code_word  # stored codes (statuses, segments …), as on the pages
_env.filters["segment_reason"] = wording.segment_reason


def _css() -> Markup:
    return Markup("".join(p.read_text() for p in STYLESHEETS))  # noqa: S704 - our own stylesheets


def in_language(language: str | None):
    """A context manager: the Flask-Babel locale is ``language`` inside (one of ours), the
    current one when None (a page's, or English outside a request)."""
    return force_locale(language) if languages.valid(language) else _Unchanged()


class _Unchanged:
    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False


def _render(template: str, context: dict, language: str | None = None) -> str:
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    with in_language(language):
        return _env.get_template(template).render(
            downloads=False, css=_css(), generated=generated, pack_language=sentences.language(), **context
        )


def round_pack(context: dict, language: str | None = None) -> str:
    """``context``: what the round page shows (``services.report_pages.round_context``), with
    ``rnd`` and ``alliance``; ``language``: the pack's (None: the current locale's)."""
    return _render("reports/pack_round.html", context, language)


def trend_pack(context: dict, language: str | None = None) -> str:
    return _render("reports/pack_trend.html", context, language)


def round_pack_path(alliance_id: int, round_id: int, version: int) -> Path:
    """``<alliance id>/<round id>-v<summary version>.html``: by ids, so two alliances never
    share a file, whatever their names and labels."""
    return Path(str(alliance_id), f"{round_id}-v{version}.html")


def trend_pack_path(alliance_id: int) -> Path:
    return Path(str(alliance_id), "trend.html")

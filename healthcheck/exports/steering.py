"""The steering-committee pack's three renderers, from ``services.steering.pack_content``:
HTML (inline SVG charts), PDF (that HTML through WeasyPrint: charts stay vector) and PPTX
(python-pptx, charts as PNG at 3x: PowerPoint has no SVG every viewer reads; in
``exports.pptx``).

One section a page (PDF) or a slide (PPTX), in the same order; a section too long for one
slide continues on the next ("2/3"), so no slide overflows. Text on slides is 14 pt or more
(tables 12 pt or more). Pure: no Flask, no database.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask_babel import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from healthcheck.charts import render
from healthcheck.exports import sentences
from healthcheck.exports.pdf import html_to_pdf
from healthcheck.exports.pptx import to_pptx

TEMPLATES = Path(__file__).resolve().parent / "templates"
MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html; charset=utf-8",
}
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
_env.add_extension("jinja2.ext.i18n")  # the pack speaks the current Flask-Babel locale (issue 17)
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
_env.globals.update(sentences.GLOBALS)


def css_text(value) -> Markup:
    """Text for a CSS string in the pack's <style> (the page footer): only letters, digits,
    spaces and harmless punctuation, so no quote, brace, backslash or "<" can end the string,
    the rule or the style element; not HTML-escaped (a <style> shows "&amp;" as it is)."""
    return Markup(re.sub(r"[^\w .,·&()/+'-]", "", str(value)))  # noqa: S704 - filtered to safe characters


_env.filters["css_text"] = css_text


def _svg(chart) -> Markup | None:
    """vl-convert's SVG escapes chart text; refuse anything that could carry script."""
    if chart is None:
        return None
    svg = render.svg(chart)
    lowered = svg.lower()
    if "<script" in lowered or "javascript:" in lowered or "<foreignobject" in lowered:
        raise ValueError("unexpected active content in chart SVG")
    return Markup(svg)  # noqa: S704 - SVG produced by vl-convert from our own spec


def to_html(content: dict, for_print: bool = False) -> str:
    charts = {name: _svg(chart) for name, chart in content["charts"].items()}
    return _env.get_template("steering/pack.html").render(
        c=content, charts=charts, for_print=for_print, pack_language=sentences.language()
    )


def to_pdf(content: dict) -> bytes:
    return html_to_pdf(to_html(content, for_print=True))


def render_as(content: dict, fmt: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(content)
    if fmt == "pptx":
        return to_pptx(content)
    if fmt == "html":
        return to_html(content).encode("utf-8")
    raise ValueError(f"format must be one of {tuple(MIME)}")


# --- CSV of the joint action plan (the partner's export) -------------------------------

ACTION_COLUMNS = [
    "action",
    "dimension",
    "owner_side_a",
    "owner_side_b",
    "due_on",
    "status",
    "accepted_by_both",
]


def actions_csv(content: dict) -> str:
    """The pack's joint actions as CSV; every text cell through ``cells.neutral`` (no formula)."""
    import csv

    from healthcheck.exports import cells

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACTION_COLUMNS)
    for a in content["actions"]:
        row = [
            a["title"],
            a["dimension"],
            a["owner_a"],
            a["owner_b"],
            a["due_on"],
            a["status"],
            "yes" if a["accepted"] else "no",
        ]
        writer.writerow([cells.neutral(v) for v in row])
    return out.getvalue()

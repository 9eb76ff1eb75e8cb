"""Self-contained HTML report packs (inline CSS and SVG, no external reference) and JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from healthcheck.web.reports import context

STATIC = Path(__file__).resolve().parent.parent / "static"


def filename(*parts: str) -> str:
    *stem, ext = parts
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(stem)).strip("-").lower() or "report"
    return f"{slug}.{ext}"


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def _css() -> Markup:
    return Markup((STATIC / "pack.css").read_text() + (STATIC / "app.css").read_text())


def _write(name: str, html: str) -> Path:
    folder = Path(current_app.config["REPORTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


def round_pack(rnd) -> str:
    return render_template(
        "reports/pack_round.html",
        rnd=rnd,
        alliance=rnd.alliance,
        downloads=False,
        css=_css(),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        **context.round_context(rnd),
    )


def trend_pack(alliance) -> str:
    return render_template(
        "reports/pack_trend.html",
        alliance=alliance,
        downloads=False,
        css=_css(),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        **context.trend_context(alliance),
    )


def write_round_pack(rnd) -> Path:
    return _write(filename(rnd.alliance.name, rnd.label, "html"), round_pack(rnd))


def write_trend_pack(alliance) -> Path:
    return _write(filename(alliance.name, "trend", "html"), trend_pack(alliance))

"""Self-contained HTML report packs (inline CSS and SVG, no external reference) and JSON."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from healthcheck.services import files, reports
from healthcheck.web.reports import context

STATIC = Path(__file__).resolve().parent.parent / "static"


def filename(*parts: str) -> str:
    """A human-friendly download name (Content-Disposition only: names can collide)."""
    *stem, ext = parts
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(stem)).strip("-").lower() or "report"
    return f"{slug}.{ext}"


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def _css() -> Markup:
    return Markup((STATIC / "pack.css").read_text() + (STATIC / "app.css").read_text())


def _write(relative: Path, html: str) -> Path:
    return files.write_atomically(Path(current_app.config["REPORTS_DIR"]) / relative, html.encode("utf-8"))


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


def round_pack_path(rnd) -> Path:
    """``<alliance id>/<round id>-v<summary version>.html`` under REPORTS_DIR: by ids, so two
    alliances never share a file, whatever their names and labels."""
    return Path(str(rnd.alliance_id), f"{rnd.id}-v{reports.summary_version(rnd)}.html")


def trend_pack_path(alliance) -> Path:
    return Path(str(alliance.id), "trend.html")


def write_round_pack(rnd, html: str | None = None) -> Path:
    """Store the round's pack (rendered now unless ``html`` is given) atomically."""
    return _write(round_pack_path(rnd), round_pack(rnd) if html is None else html)


def write_trend_pack(alliance, html: str | None = None) -> Path:
    return _write(trend_pack_path(alliance), trend_pack(alliance) if html is None else html)

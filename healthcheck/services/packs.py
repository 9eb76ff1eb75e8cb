"""Report packs of rounds and trends: rendered by ``exports``, stored under REPORTS_DIR by ids,
written atomically (a reader sees the old file or the new one, never half of one)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from healthcheck.exports import documents, files
from healthcheck.models import Alliance, Round
from healthcheck.services import reports
from healthcheck.services.report_pages import round_context, trend_context


def round_pack(rnd: Round) -> str:
    return documents.round_pack({"rnd": rnd, "alliance": rnd.alliance, **round_context(rnd)})


def trend_pack(alliance: Alliance) -> str:
    return documents.trend_pack({"alliance": alliance, **trend_context(alliance)})


def _store(relative: Path, html: str) -> Path:
    return files.write_atomically(Path(current_app.config["REPORTS_DIR"]) / relative, html.encode("utf-8"))


def write_round_pack(rnd: Round, html: str | None = None) -> Path:
    """Store the round's pack (rendered now unless ``html`` is given)."""
    path = documents.round_pack_path(rnd.alliance_id, rnd.id, reports.summary_version(rnd))
    return _store(path, round_pack(rnd) if html is None else html)


def write_trend_pack(alliance: Alliance, html: str | None = None) -> Path:
    return _store(documents.trend_pack_path(alliance.id), trend_pack(alliance) if html is None else html)

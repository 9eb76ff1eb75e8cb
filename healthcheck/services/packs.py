"""Report packs of rounds and trends: rendered by ``exports``, stored under REPORTS_DIR by ids,
written atomically (a reader sees the old file or the new one, never half of one)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from healthcheck.exports import documents, files
from healthcheck.exports import steering as steering_renderers
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round
from healthcheck.services import briefing, reports, steering
from healthcheck.services.report_pages import round_context, trend_context


def round_pack(rnd: Round, language: str | None = None) -> str:
    """The round's HTML pack in ``language`` (None: the current locale's — a staff page's,
    a partner page's, English on the command line)."""
    with documents.in_language(language):
        return documents.round_pack({"rnd": rnd, "alliance": rnd.alliance, **round_context(rnd)})


def trend_pack(alliance: Alliance, language: str | None = None) -> str:
    with documents.in_language(language):
        return documents.trend_pack({"alliance": alliance, **trend_context(alliance)})


def _store(relative: Path, html: str) -> Path:
    return files.write_atomically(Path(current_app.config["REPORTS_DIR"]) / relative, html.encode("utf-8"))


def write_round_pack(rnd: Round, html: str | None = None) -> Path:
    """Store the round's pack (rendered now unless ``html`` is given)."""
    path = documents.round_pack_path(rnd.alliance_id, rnd.id, reports.summary_version(rnd))
    return _store(path, round_pack(rnd) if html is None else html)


def write_trend_pack(alliance: Alliance, html: str | None = None) -> Path:
    return _store(documents.trend_pack_path(alliance.id), trend_pack(alliance) if html is None else html)


# --- the steering-committee pack (issue 15): one content, three renderers ---------------


def steering_pack(rnd: Round, fmt: str, review: dict | None = None, language: str | None = None) -> bytes:
    """The round's steering-committee pack as PDF, PPTX or HTML bytes (ReportNotReady when
    the round is not closed). ``review``: the review outcome, read from the review when omitted;
    ``language``: the pack's words (None: the current locale's)."""
    if fmt not in steering.FORMATS:
        raise ValueError(f"format must be one of {steering.FORMATS}")
    with documents.in_language(language):
        return steering_renderers.render_as(steering.pack_content(rnd, review), fmt)


def partner_language(rnd: Round, asked: str | None = None) -> str:
    """The language of what a partner downloads: ``asked`` (``?lang=``) when one of ours,
    else the partner side's default (``alliance.side_b_language``)."""
    from healthcheck import languages  # noqa: PLC0415 - small and local

    return languages.parse(asked) or rnd.alliance.side_b_language or languages.DEFAULT


def steering_filename(rnd: Round, fmt: str) -> str:
    return documents.filename(rnd.alliance.name, rnd.label, "steering-pack", fmt)


def render_attachment(ref: dict) -> tuple[str, str, bytes]:
    """(filename, MIME type, bytes) of one attachment reference; ValueError for a bad one."""
    if ref.get("kind") == "briefing":  # the successor's briefing of a handoff email (issue 16)
        return briefing.attachment(ref)
    if ref.get("kind") != "pack" or ref.get("format") not in steering.FORMATS:
        raise ValueError(f"unknown attachment {ref!r}")
    rnd = db.session.get(Round, ref.get("round_id"))
    if rnd is None:
        raise ValueError(f"attachment: no round {ref.get('round_id')!r}")
    fmt = ref["format"]
    return steering_filename(rnd, fmt), steering_renderers.MIME[fmt], steering_pack(rnd, fmt)

"""`healthcheck report`, `trend` and `rebuild-summaries`: reports from the command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from healthcheck import languages
from healthcheck.exports import documents, files
from healthcheck.extensions import db
from healthcheck.models import Round
from healthcheck.services import alliances, packs, rebuild, reports


def _alliance(name: str):
    alliance = alliances.by_name(name)
    if alliance is None:
        raise click.UsageError(f"--alliance: no alliance called {name!r}")
    return alliance


def _emit(body: str | bytes, output: str | None) -> None:
    if output is None:
        click.echo(body if isinstance(body, str) else body.decode(), nl=False)
        return
    path = files.write_atomically(Path(output), body.encode() if isinstance(body, str) else body)
    click.echo(f"wrote {path}", err=True)


def _lang_option(help_text: str):
    """``--lang``: the language of a pack (issue 17); JSON is always English."""
    return click.option(
        "--lang",
        "language",
        type=click.Choice(list(languages.LANGUAGES)),
        default=languages.DEFAULT,
        show_default=True,
        help=help_text,
    )


@click.command("report")
@click.option("--alliance", "alliance_name", required=True)
@click.option("--round", "label", required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "xlsx", "html", "pdf", "pptx"]),
    default="json",
    show_default=True,
)
@click.option("-o", "--output", default=None, help="File to write; stdout for json/csv when omitted.")
@_lang_option("Language of an html/pdf/pptx pack (the JSON report is always English).")
@with_appcontext
def report_command(alliance_name, label, fmt, output, language):
    """Export a closed round's report (DESIGN §4 JSON, CSV, XLSX, an HTML pack, or the
    steering-committee pack as PDF or PPTX)."""
    alliance = _alliance(alliance_name)
    rnd = db.session.scalar(select(Round).where(Round.alliance_id == alliance.id, Round.label == label))
    if rnd is None:
        raise click.UsageError(f"--round: {alliance.name} has no round {label!r}")
    try:
        report = reports.round_report(rnd)
    except reports.ReportNotReady:
        click.echo(f"error: round {label!r} is {rnd.status}; reports are published when it closes", err=True)
        sys.exit(2)
    if fmt == "json":
        _emit(documents.to_json(report) + "\n", output)
    elif fmt == "csv":
        _emit(reports.answers_csv(rnd, report), output)
    elif fmt in ("pdf", "pptx"):
        body = packs.steering_pack(rnd, fmt, language=language)
        _emit(body, output or packs.steering_filename(rnd, fmt))
    elif fmt == "xlsx":
        body = reports.workbook(rnd, report)
        _emit(body, output or documents.filename(alliance.name, label, "xlsx"))
    else:
        html = packs.round_pack(rnd, language=language)
        _emit_pack(html, packs.write_round_pack(rnd, html), output)
    db.session.commit()


@click.command("trend")
@click.option("--alliance", "alliance_name", required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "html"]), default="json", show_default=True)
@click.option("-o", "--output", default=None)
@_lang_option("Language of the html pack (the JSON trend is always English).")
@with_appcontext
def trend_command(alliance_name, fmt, output, language):
    """Export an alliance's trend across closed rounds (JSON or an HTML pack)."""
    alliance = _alliance(alliance_name)
    if fmt == "json":
        _emit(documents.to_json(reports.trend(alliance)) + "\n", output)
        return
    html = packs.trend_pack(alliance, language=language)
    _emit_pack(html, packs.write_trend_pack(alliance, html), output)


def _emit_pack(html: str, path: Path, output: str | None) -> None:
    """The pack is stored under REPORTS_DIR (named by ids); copy it to ``output`` if given."""
    if output:
        _emit(html, output)
    else:
        click.echo(f"wrote {path}")


@click.command("rebuild-summaries")
@click.option("--alliance", "alliance_name", default=None, help="Only this alliance (default: all).")
@with_appcontext
def rebuild_command(alliance_name):
    """Recompute every stored round summary (set-based; all or nothing)."""
    ids = [_alliance(alliance_name).id] if alliance_name else None
    began = time.perf_counter()
    count = rebuild.rebuild(ids)
    db.session.commit()
    click.echo(f"rebuilt {count} round summaries in {time.perf_counter() - began:.1f} s")


COMMANDS = [report_command, trend_command, rebuild_command]

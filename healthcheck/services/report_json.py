"""A closed round's DESIGN §4 report as JSON text with its ETag, for the API.

The text is ``documents.to_json(reports.round_report(rnd))`` — the builder of
``healthcheck report --format json`` — kept per process for the latest few rounds asked
for, keyed by the stored summary's version and refresh time, so that a poll of an unchanged
report neither loads nor re-serialises it. A stale summary (answers came in since) is
computed afresh and never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from sqlalchemy import select

from healthcheck.exports import documents
from healthcheck.extensions import db
from healthcheck.models import Round, RoundSummary
from healthcheck.services import reports

KEEP = 32  # reports kept per process (each some 100 kB of text)
_kept: OrderedDict[int, tuple[tuple, str, str]] = OrderedDict()
_lock = threading.Lock()


def _stamp(rnd: Round) -> tuple | None:
    row = db.session.execute(
        select(RoundSummary.version, RoundSummary.refreshed_at, RoundSummary.stale).where(
            RoundSummary.round_id == rnd.id
        )
    ).first()
    return None if row is None or row.stale else (rnd.status, row.version, row.refreshed_at)


def etag_of(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def round_report(rnd: Round) -> tuple[str, str]:
    """(JSON text, ETag) of a closed round's report; ``reports.ReportNotReady`` otherwise."""
    stamp = _stamp(rnd) if rnd.status == "closed" else None
    with _lock:
        kept = _kept.get(rnd.id)
        if stamp is not None and kept is not None and kept[0] == stamp:
            _kept.move_to_end(rnd.id)
            return kept[1], kept[2]
    body = documents.to_json(reports.round_report(rnd))
    tag = etag_of(body)
    if stamp is not None:
        with _lock:
            _kept[rnd.id] = (stamp, body, tag)
            _kept.move_to_end(rnd.id)
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return body, tag


def forget() -> None:
    with _lock:
        _kept.clear()

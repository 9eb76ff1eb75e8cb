"""Full summary rebuild, set-based: every round of the portfolio (or of some alliances).

Stores exactly what ``summaries.refresh_round`` stores, but in chunks of 100 alliances: one
query per chunk (and questionnaire version) reads the packed answers of all its rounds, one
vectorised pass (``analysis.grouped``) computes their statistics, another each closed
round's part of its questionnaire's reliability (DESIGN §3.13, recounted per version at
the end); only assembling each report is per round. Change warnings look back at the
rebuilt reports of the two closed rounds before, so a chunk never splits an alliance and
rounds are assembled in date order. One transaction: all rounds or none.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, delete, insert, select
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import NullPool

from healthcheck.analysis import report as report_analysis
from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.models.base import utcnow
from healthcheck.services import assembly, dataset, facts_data, reliability, review_state

READ_TIMEOUT_S = 600  # one chunk's query; a reader that hangs must not hang the rebuild
ALLIANCES_PER_CHUNK = 100  # ~800 rounds, ~20 k responses: read ahead while the last is computed


def _rounds(alliance_ids: list[int] | None) -> list[Round]:
    stmt = select(Round).options(
        selectinload(Round.alliance).selectinload(Alliance.side_a),
        selectinload(Round.alliance).selectinload(Alliance.side_b),
        selectinload(Round.questionnaire),
    )
    if alliance_ids is not None:
        stmt = stmt.where(Round.alliance_id.in_(alliance_ids))
    return list(db.session.scalars(stmt.order_by(Round.alliance_id, Round.closes_on, Round.id)))


def _chunks(rounds: list[Round], alliances_per_chunk: int) -> list[list[Round]]:
    """Rounds (ordered by alliance) cut into chunks that never split an alliance."""
    chunks, current, seen = [], [], set()
    for rnd in rounds:
        if rnd.alliance_id not in seen and len(seen) == alliances_per_chunk:
            chunks.append(current)
            current, seen = [], set()
        seen.add(rnd.alliance_id)
        current.append(rnd)
    return chunks + ([current] if current else [])


def _queries(chunk: list[Round]) -> dict[int, tuple]:
    """{questionnaire version: (packed queries, matrix columns)} for a chunk's rounds (the
    answers' query, then the predictions' where the version asks them; columns likewise)."""
    by_version: dict[int, list[Round]] = defaultdict(list)
    for rnd in chunk:
        by_version[rnd.questionnaire_id].append(rnd)
    return {
        version_id: assembly.answer_plan(version_id, [r.id for r in members], members[0].questionnaire)
        for version_id, members in by_version.items()
    }


def _fetched(plans: list[dict[int, tuple]], engine) -> Iterator[dict[int, tuple]]:
    """Each chunk's answer matrices, read ahead by a forked process on its own connection.

    While this process computes and assembles one chunk, the reader runs the next chunk's
    query: the database works in parallel with the statistics. (A reader thread was starved
    of the GIL, which sqlite3 retakes for every row: 0.28 s per chunk alone, 0.8 s beside the
    statistics.) A separate connection sees committed answers only, which is why only a full
    rebuild (an operator command, nothing pending in its transaction) reads ahead, and only
    when this process runs no other thread (forking a threaded process is not safe).
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    reader = context.Process(target=_read, args=(engine.url, plans, send), daemon=True)
    reader.start()
    send.close()
    try:
        for plan in plans:
            if not receive.poll(READ_TIMEOUT_S):
                raise TimeoutError(f"rebuild: the answer reader sent nothing for {READ_TIMEOUT_S} s")
            item = receive.recv()
            if isinstance(item, str):
                raise RuntimeError(f"rebuild: the answer reader failed: {item}")
            yield {version: dataset.unpack(item[version], ids) for version, (_, ids) in plan.items()}
    finally:
        receive.close()
        reader.join(timeout=5)
        if reader.is_alive():
            reader.kill()


def _single_threaded() -> bool:
    return threading.active_count() == 1


def _read(url, plans: list[dict[int, tuple]], send) -> None:
    """The forked reader: a fresh engine (never the parent's connections), rows down a pipe."""
    try:
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # A chunk is ~10 % of the answers: the planner then prefers a full scan and a hash
                # join (1.2–1.7 s per chunk at 7.6 M answers); walking the (response, question)
                # index is 0.4 s. This connection only runs these queries.
                conn.exec_driver_sql("SET enable_seqscan = off")
                conn.exec_driver_sql("SET enable_hashjoin = off")
            for plan in plans:
                send.send(
                    {
                        v: [[tuple(row) for row in conn.execute(q)] for q in queries]
                        for v, (queries, _) in plan.items()
                    }
                )
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        send.send(repr(exc))
    finally:
        send.close()


def _in_session(plans: list[dict[int, tuple]]) -> Iterator[dict[int, tuple]]:
    """Each chunk's answer matrices, read in this transaction (sees what it has written)."""
    for plan in plans:
        yield {
            v: dataset.unpack([db.session.execute(q).all() for q in queries], ids)
            for v, (queries, ids) in plan.items()
        }


def _counts(rounds: list[Round]) -> dict[int, dict]:
    counts = dataset.response_counts([r.id for r in rounds], by_function=True)
    imported = [r.id for r in rounds if r.imported]
    counts.update(dataset.submitted_counts(imported))
    return counts


@contextmanager
def _without_cycle_collector():
    """Reports are acyclic: the cycle collector only rescans millions of young dicts (2.5× slower)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rebuild(alliance_ids: list[int] | None = None) -> int:
    """Recompute and store the summaries of every round (of ``alliance_ids``); returns the count."""
    with _without_cycle_collector():
        return _rebuild(alliance_ids)


def _rebuild(alliance_ids: list[int] | None) -> int:
    rounds = _rounds(alliance_ids)
    counts = _counts(rounds)
    structures = {}
    for rnd in rounds:
        if rnd.questionnaire_id not in structures:
            structures[rnd.questionnaire_id] = assembly.structure(rnd)
    chunks = _chunks(rounds, ALLIANCES_PER_CHUNK)
    plans = [_queries(chunk) for chunk in chunks]
    read_ahead = alliance_ids is None and _single_threaded() and len(plans) > 1
    matrices = _fetched(plans, db.engine) if read_ahead else _in_session(plans)
    k_of = {rnd.id: rnd.k for rnd in rounds}
    types = {r.alliance_id: r.alliance.alliance_type for r in rounds}
    facts = facts_data.for_alliances(types, alliance_ids is None)  # one query per kind
    for chunk, fetched in zip(chunks, matrices, strict=True):
        found, parts = {}, {}
        for version_id, (keys, scores) in fetched.items():
            found.update(assembly.statistics(keys, scores, structures[version_id], k_of))
            parts.update(reliability.round_parts(keys, scores, structures[version_id], k_of))
        _store(_assembled(chunk, found, structures, counts, facts))
        reliability.replace_parts(chunk, parts)
    reliability.recount(structures)
    db.session.expire_all()  # summaries were written with Core statements
    return len(rounds)


def _assembled(chunk: list[Round], found: dict, structures: dict, counts: dict, facts: dict) -> list[dict]:
    """Each round's report, in date order per alliance (warnings look back two closed rounds)."""
    rows, history, alliance = [], [], None
    reviews = review_state.blocks(chunk)
    for rnd in chunk:
        if rnd.alliance_id != alliance:
            alliance, history = rnd.alliance_id, []
        found_here = found.get(rnd.id, assembly.NO_ANSWERS)
        shape, review = structures[rnd.questionnaire_id], reviews.get(rnd.id)
        facts_here = facts[rnd.alliance_id]
        report = assembly.report(rnd, found_here, shape, counts[rnd.id], history, review, facts=facts_here)
        if rnd.status == "closed":
            history.append(report)
        rows.append({"round_id": rnd.id, "report": report} | report_analysis.headline(report))
    return rows


def _store(rows: list[dict]) -> None:
    """Replace the chunk's summary rows: one DELETE and batched INSERTs, versions counted on.

    (An UPDATE per row was 8,000 round trips on PostgreSQL: 3.1 s of a 9.4 s rebuild.)
    """
    if not rows:
        return
    table = RoundSummary.__table__
    ids = [r["round_id"] for r in rows]
    versions = dict(
        db.session.execute(select(table.c.round_id, table.c.version).where(table.c.round_id.in_(ids))).all()
    )
    db.session.execute(delete(table).where(table.c.round_id.in_(ids)))
    now = utcnow()
    db.session.execute(
        insert(table),
        [
            r | {"version": versions.get(r["round_id"], 0) + 1, "stale": False, "refreshed_at": now}
            for r in rows
        ],
    )

"""A synthetic portfolio, sized by flags: alliances × rounds × 2 sides × respondents × questions."""

from __future__ import annotations

import random
import secrets
import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text

from healthcheck.analysis.panel import FUNCTIONS
from healthcheck.extensions import db
from healthcheck.models import Alliance, Answer, Invitation, Organisation, Prediction, Response, Round
from healthcheck.services import questionnaires, summaries

BENCH_KEY = "bench-36"


def bench_questionnaire(questions: int = 36, meta: bool = False):
    """9 dimensions × 4 statements (36), imported once; ``meta`` asks a prediction per
    dimension too (DESIGN §3.14)."""
    per = 4
    dims = [
        {
            "key": f"d{i}",
            "title": f"Dimension {i}",
            "description": "",
            "weight": 1.0,
            "questions": [{"key": f"d{i}q{j}", "text": f"Statement {i}.{j}"} for j in range(per)],
        }
        for i in range(questions // per)
    ]
    doc = {
        "key": BENCH_KEY + ("-meta" if meta else ""),
        "title": "Bench",
        "description": "",
        "scale": {"min": 1, "max": 5, "labels": []},
        **({"meta_perception": True} if meta else {}),
        "dimensions": dims,
    }
    return questionnaires.import_document(doc).questionnaire


def _progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r{label:12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def generate(
    alliances: int,
    rounds: int,
    respondents: int,
    questions: int = 36,
    seed: int = 7,
    open_last: bool = True,
    meta: bool = False,
) -> dict:
    """Insert the portfolio with bulk statements; returns counts. Rounds are closed except,
    with ``open_last``, each alliance's last one (so submissions have somewhere to go). With
    ``meta`` every response also predicts the partner's view of every dimension."""
    rng = random.Random(seed)
    q = bench_questionnaire(questions, meta)
    question_ids = [x.id for x in q.questions]
    dimension_ids = [d.id for d in q.dimensions] if meta else []
    db.session.commit()
    started = time.perf_counter()
    totals = {"alliances": alliances, "rounds": 0, "responses": 0, "answers": 0}
    today = date.today()
    org_a = Organisation(name="Bench Pharma")
    db.session.add(org_a)
    db.session.flush()
    for a in range(alliances):
        partner = Organisation(name=f"Bench Partner {a}")
        db.session.add(partner)
        db.session.flush()
        alliance = Alliance(
            name=f"Bench alliance {a:05d}",
            side_a_id=org_a.id,
            side_b_id=partner.id,
            segment=("complex", "typical", "simple")[a % 3],
            phase="development",
        )
        db.session.add(alliance)
        db.session.flush()
        level = {"A": rng.uniform(2.5, 4.5), "B": rng.uniform(2.5, 4.5)}
        for r in range(rounds):
            closes = today - timedelta(days=90 * (rounds - r))
            status = "open" if open_last and r == rounds - 1 else "closed"
            rnd = Round(
                alliance_id=alliance.id,
                questionnaire_id=q.id,
                label=f"R{r + 1}",
                status=status,
                opens_on=closes - timedelta(days=21),
                closes_on=closes if status == "closed" else today,
                opened_at=datetime.combine(closes, datetime.min.time()) - timedelta(days=21),
                closed_at=datetime.combine(closes, datetime.min.time()) if status == "closed" else None,
            )
            db.session.add(rnd)
            db.session.flush()
            totals["rounds"] += 1
            if status == "open":
                _invitations(rnd.id, respondents)
                summaries.refresh_round(rnd)  # as opening a round does
                continue
            _answered(rnd.id, respondents, question_ids, level, rng, totals, dimension_ids)
        db.session.commit()
        _progress("generate", a + 1, alliances, started)
    if db.engine.dialect.name == "postgresql":  # as an operator would after a bulk load
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return totals


def _function(i: int) -> str:
    """The i-th respondent's function: a side's panel spreads over six functions."""
    return list(FUNCTIONS)[i % 6]


def _invitations(round_id: int, respondents: int) -> None:
    db.session.execute(
        insert(Invitation),
        [
            {
                "round_id": round_id,
                "side": side,
                "name": f"P{side}{i}",
                "email": f"p{side}{i}@bench.example",
                "function": _function(i),
                "status": "pending",
            }
            for side in ("A", "B")
            for i in range(respondents)
        ],
    )


def _answered(round_id, respondents, question_ids, level, rng, totals, dimension_ids=()) -> None:
    now = datetime.now()
    inv_rows = [
        {
            "round_id": round_id,
            "side": side,
            "name": "",
            "email": "",
            "function": _function(i),
            "status": "submitted",
            "submitted_at": now,
        }
        for side in ("A", "B")
        for i in range(respondents)
    ]
    db.session.execute(insert(Invitation), inv_rows)
    inv_ids = db.session.scalars(
        select(Invitation.id).where(Invitation.round_id == round_id).order_by(Invitation.id)
    ).all()
    db.session.execute(
        insert(Response),
        [
            {
                "invitation_id": inv_id,
                "round_id": round_id,
                "side": "A" if n < respondents else "B",
                "respondent_code": secrets.token_hex(6),
                "submitted_at": now,
                "updated_at": now,
            }
            for n, inv_id in enumerate(inv_ids)
        ],
    )
    responses = db.session.execute(
        select(Response.id, Response.side).where(Response.round_id == round_id)
    ).all()
    rows = []
    for response_id, side in responses:
        base = level[side] + rng.gauss(0, 0.4)
        for qid in question_ids:
            rows.append(
                {
                    "response_id": response_id,
                    "question_id": qid,
                    "score": min(5, max(1, int(base + rng.gauss(0, 0.7) + 0.5))),
                }
            )
    db.session.execute(insert(Answer), rows)
    totals["responses"] += len(responses)
    totals["answers"] += len(rows)
    if dimension_ids:
        guesses = [
            {"response_id": response_id, "dimension_id": did, "score": rng.randint(1, 5)}
            for response_id, _side in responses
            for did in dimension_ids
        ]
        db.session.execute(insert(Prediction), guesses)
        totals["predictions"] = totals.get("predictions", 0) + len(guesses)

"""The portfolio: every alliance a user may see with its latest round and figures.

Reads stored round summaries only; never raw answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Alliance, Round, RoundSummary
from healthcheck.services import access
from healthcheck.services.rounds import response_counts


@dataclass
class PortfolioRow:
    alliance: Alliance
    rounds: list[Round] = field(default_factory=list)
    summaries: dict[int, RoundSummary] = field(default_factory=dict)
    counts: dict[str, dict] | None = None

    @property
    def latest(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def closed(self) -> list[Round]:
        return [r for r in self.rounds if r.status == "closed"]

    @property
    def latest_closed_summary(self) -> RoundSummary | None:
        closed = self.closed
        return self.summaries.get(closed[-1].id) if closed else None


def rows_for(user) -> list[PortfolioRow]:
    alliances = list(db.session.scalars(access.visible_alliances(user).order_by(Alliance.name)))
    rows = {a.id: PortfolioRow(a) for a in alliances}
    if not rows:
        return []
    owner_of: dict[int, int] = {}
    rounds = db.session.scalars(
        select(Round).where(Round.alliance_id.in_(rows)).order_by(Round.closes_on, Round.id)
    )
    for rnd in rounds:
        rows[rnd.alliance_id].rounds.append(rnd)
        owner_of[rnd.id] = rnd.alliance_id
    if owner_of:
        for s in db.session.scalars(select(RoundSummary).where(RoundSummary.round_id.in_(owner_of))):
            rows[owner_of[s.round_id]].summaries[s.round_id] = s
    latest_ids = [r.latest.id for r in rows.values() if r.latest]
    counts = response_counts(latest_ids)
    for row in rows.values():
        if row.latest:
            row.counts = counts[row.latest.id]
    return list(rows.values())

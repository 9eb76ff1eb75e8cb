"""Resourcing, the front door (DESIGN §3.18): service standards, workload, capacity, reviews.

Pure: plain data in, plain data out (no Flask, no SQLAlchemy). The service
(``services/resourcing.py``) reads the alliances, owners and closed rounds and calls these.

- Service standard per segment: AM effort in FTE (defaults complex 0.5, typical 0.2,
  simple 0.05; configurable) and the §3.11 cadence.
- Workload of a manager = Σ over the alliances they own of the segment's FTE divided by that
  alliance's number of (active) owners. ``over_capacity`` when workload > capacity.
- ``unmanaged``: an alliance none of whose owners is an active account.
- ``segment_review``: a simple or typical alliance whose latest closed round is red or carries
  ≥ 3 warnings → the next segment up; a complex alliance green with no warning in each of its
  last 3 closed rounds → typical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEGMENT_ORDER = ("simple", "typical", "complex")
DEFAULT_FTE = {"complex": 0.5, "typical": 0.2, "simple": 0.05}
DEFAULT_CADENCE_MONTHS = {"complex": 3, "typical": 6, "simple": 12}
MAX_SEGMENT_FTE = 2.0
REVIEW_WARNINGS = 3  # warnings of the latest closed round that call for more service
CALM_ROUNDS = 3  # green rounds without warning after which a complex alliance may step down


@dataclass(frozen=True)
class Standard:
    segment: str
    fte: float
    cadence_months: int


@dataclass(frozen=True)
class Manager:
    id: int
    name: str
    capacity: float
    active: bool = True


@dataclass(frozen=True)
class ClosedRound:
    label: str
    rag: str | None  # None when the index is not shown (fewer than k answered)
    warnings: int


@dataclass(frozen=True)
class AllianceIn:
    id: int
    name: str
    segment: str
    owner_ids: tuple[int, ...]
    closed_rounds: tuple[ClosedRound, ...] = ()  # oldest first


@dataclass
class Share:
    alliance_id: int
    alliance: str
    segment: str
    fte: float  # this manager's part of the alliance's effort
    owners: int


@dataclass
class Load:
    manager: Manager
    workload: float
    shares: list[Share] = field(default_factory=list)

    @property
    def over_capacity(self) -> bool:
        return self.workload > self.manager.capacity + 1e-9

    @property
    def use(self) -> float | None:
        """Workload as a share of capacity (1.0 = full)."""
        return self.workload / self.manager.capacity if self.manager.capacity > 0 else None


@dataclass(frozen=True)
class Review:
    alliance_id: int
    alliance: str
    segment: str
    suggested: str
    reason: str


def standards(fte: dict | None = None, cadence: dict | None = None) -> dict[str, Standard]:
    """The service standard of each segment; ``fte`` overrides the default efforts.
    ValueError naming the segment and what is allowed when a value is unusable."""
    fte = {**DEFAULT_FTE, **(fte or {})}
    cadence = {**DEFAULT_CADENCE_MONTHS, **(cadence or {})}
    problems = [
        f"{key}: not a segment (one of {', '.join(SEGMENT_ORDER)})" for key in fte if key not in DEFAULT_FTE
    ]
    for segment in SEGMENT_ORDER:
        value = fte[segment]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_SEGMENT_FTE:
            problems.append(f"{segment}: an effort in FTE between 0 and {MAX_SEGMENT_FTE:g} (got {value!r})")
    if problems:
        raise ValueError("RESOURCING_FTE — " + "; ".join(problems))
    return {s: Standard(s, float(fte[s]), int(cadence[s])) for s in SEGMENT_ORDER}


def active_owners(alliance: AllianceIn, managers: dict[int, Manager]) -> list[int]:
    return [i for i in alliance.owner_ids if i in managers and managers[i].active]


def workloads(
    alliances: list[AllianceIn], managers: list[Manager], standard: dict[str, Standard]
) -> list[Load]:
    """One load per active manager (heaviest first, then by name); an alliance's effort is
    split evenly among its active owners."""
    by_id = {m.id: m for m in managers}
    loads = {m.id: Load(m, 0.0) for m in managers if m.active}
    for alliance in alliances:
        owners = active_owners(alliance, by_id)
        for owner_id in owners:
            part = standard[alliance.segment].fte / len(owners)
            loads[owner_id].workload += part
            loads[owner_id].shares.append(
                Share(alliance.id, alliance.name, alliance.segment, part, len(owners))
            )
    for load in loads.values():
        load.workload = round(load.workload, 10)  # 0.1 + 0.2 reads as 0.3
        load.shares.sort(key=lambda s: (-s.fte, s.alliance))
    return sorted(loads.values(), key=lambda x: (-x.workload, x.manager.name))


def unmanaged(alliances: list[AllianceIn], managers: list[Manager]) -> list[AllianceIn]:
    """Alliances with no active owner, by name."""
    by_id = {m.id: m for m in managers}
    return sorted((a for a in alliances if not active_owners(a, by_id)), key=lambda a: a.name)


def _next_up(segment: str) -> str:
    return SEGMENT_ORDER[SEGMENT_ORDER.index(segment) + 1]


def segment_review(alliance: AllianceIn) -> Review | None:
    """The §3.18 suggestion for one alliance, with its reason in words, or None."""
    rounds = alliance.closed_rounds
    if not rounds:
        return None
    if alliance.segment in ("simple", "typical"):
        latest = rounds[-1]
        why = []
        if latest.rag == "red":
            why.append("is red")
        if latest.warnings >= REVIEW_WARNINGS:
            why.append(f"carries {latest.warnings} early warnings (≥ {REVIEW_WARNINGS})")
        if not why:
            return None
        up = _next_up(alliance.segment)
        reason = (
            f"The latest closed round ({latest.label}) {' and '.join(why)}: "
            f"a {alliance.segment} alliance in trouble may need the {up} segment's service."
        )
        return Review(alliance.id, alliance.name, alliance.segment, up, reason)
    last = rounds[-CALM_ROUNDS:]
    if len(last) == CALM_ROUNDS and all(r.rag == "green" and r.warnings == 0 for r in last):
        labels = ", ".join(r.label for r in last)
        reason = (
            f"Its last {CALM_ROUNDS} closed rounds ({labels}) were all green with no early warning: "
            "a complex alliance this calm may do with the typical segment's service."
        )
        return Review(alliance.id, alliance.name, alliance.segment, "typical", reason)
    return None


def reviews(alliances: list[AllianceIn]) -> list[Review]:
    out = [r for r in (segment_review(a) for a in alliances) if r is not None]
    return sorted(out, key=lambda r: r.alliance)


@dataclass(frozen=True)
class Change:
    manager: Manager
    before: float
    after: float

    @property
    def over_before(self) -> bool:
        return self.before > self.manager.capacity + 1e-9

    @property
    def over_after(self) -> bool:
        return self.after > self.manager.capacity + 1e-9


def what_if(
    alliances: list[AllianceIn],
    managers: list[Manager],
    standard: dict[str, Standard],
    alliance_id: int,
    new_owner_id: int,
) -> list[Change]:
    """What handing ``alliance_id`` over to ``new_owner_id`` changes: a handoff makes the new
    owner the only owner. One change per manager whose workload moves or who takes over
    (previous owners first, by name, then the new owner)."""
    moved = [
        AllianceIn(a.id, a.name, a.segment, (new_owner_id,), a.closed_rounds) if a.id == alliance_id else a
        for a in alliances
    ]
    before = {x.manager.id: x.workload for x in workloads(alliances, managers, standard)}
    after = {x.manager.id: x.workload for x in workloads(moved, managers, standard)}
    target = next(a for a in alliances if a.id == alliance_id)
    concerned = [m for m in managers if m.active and m.id in target.owner_ids and m.id != new_owner_id]
    concerned.sort(key=lambda m: m.name)
    concerned += [m for m in managers if m.id == new_owner_id]
    return [Change(m, before.get(m.id, 0.0), after.get(m.id, 0.0)) for m in concerned]

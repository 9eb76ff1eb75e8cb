"""A believable demo portfolio: seven alliances, each telling its own story."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from healthcheck.analysis.dates import add_months
from healthcheck.extensions import db
from healthcheck.models import Invitation, Round
from healthcheck.services import alliances, demo_memory, questionnaires, responses, summaries, users

SIDE_A = "Aurora Pharma"
DEMO_USERS = [
    ("admin@example.com", "admin", "Ada Admin", "demo-admin-2026"),
    ("manager@example.com", "manager", "Maria Manager", "demo-manager-2026"),
    ("manager2@example.com", "manager", "Tom Successor", "demo-manager2-2026"),
    ("viewer@example.com", "viewer", "Victor Steering", "demo-viewer-2026"),
]
FIRST = [
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Liam",
    "Mona",
    "Nils",
    "Olga",
    "Pablo",
    "Rita",
    "Sven",
    "Tara",
    "Umar",
]
LAST = [
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Olsen",
    "Peters",
    "Rossi",
    "Schmidt",
]
# Who each side invites, in order (the first ones answer): functions of analysis.panel.
PANEL = [
    "alliance_management",
    "research",
    "development",
    "executive",
    "finance",
    "commercial",
    "legal_compliance",
    "digital",
]
PRAISE = [
    "Works well and keeps improving.",
    "Clear, reliable and pragmatic.",
    "One of the strongest parts of this alliance.",
]
CONCERN = [
    "This needs attention at the next steering committee.",
    "We raise this repeatedly and nothing changes.",
    "Expectations here are not aligned between the two companies.",
]


@dataclass
class Story:
    name: str
    partner: str
    segment: str
    phase: str
    kind: str
    survey: str
    north_star: str
    owner: str
    rounds: int
    base: dict[str, float]
    invited: dict[str, int]
    submitted: dict[str, int]
    trend: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    drift: dict[str, float] = field(default_factory=dict)  # per-round change of every level
    divergent: set[tuple[str, str]] = field(default_factory=set)
    last_closed_days_ago: int = 20
    open_round: bool = False
    members: list[str] = field(default_factory=list)
    # meta-perception (DESIGN §3.14): a side guesses its partner's view of a dimension within
    # 0.1 of it, except where it projects its own view (``projects``) or is off by an offset
    projects: set[tuple[str, str]] = field(default_factory=set)
    misread: dict[tuple[str, str], float] = field(default_factory=dict)
    panel: dict[str, list[str]] = field(default_factory=dict)  # per side, else PANEL
    open_panel: dict[str, list[str]] = field(default_factory=dict)  # the open round's, else panel


STORIES = [
    Story(
        "Helix Oncology R&D",
        "Helix Biotherapeutics",
        "complex",
        "development",
        "R&D",
        "alliance-health-check",
        "Bring HLX-201 to a first-in-human trial by 2027.",
        "manager@example.com",
        4,
        {"A": 4.2, "B": 4.1},
        {"A": 7, "B": 7},
        {"A": 6, "B": 6},
        members=["viewer@example.com"],
        misread={("B", "governance"): -0.9},  # Helix thinks Aurora is unhappier than it is
        panel={s: ["research", "development"] * 3 + ["executive"] for s in ("A", "B")},
    ),
    Story(
        "Nordvik Immunology Co-commercial",
        "Nordvik Pharma",
        "typical",
        "commercial",
        "co-commercial",
        "alliance-health-check",
        "Make NV-12 the first-choice biologic for moderate psoriasis in the Nordics.",
        "manager@example.com",
        4,
        {"A": 3.9, "B": 3.8},
        {"A": 8, "B": 8},
        {"A": 6, "B": 6},
        trend={("B", "finance"): [3.9, 3.1, 2.3, 1.5], ("A", "finance"): [4.0, 4.1, 4.1, 4.2]},
        members=["viewer@example.com"],
    ),
    Story(
        "Meridian Rare Disease Co-development",
        "Meridian Genomics",
        "complex",
        "development",
        "R&D",
        "alliance-health-check",
        "Co-develop a gene therapy for MRD-3 deficiency to registration.",
        "manager@example.com",
        3,
        {"A": 3.8, "B": 3.6},
        {"A": 6, "B": 7},
        {"A": 5, "B": 6},
        trend={("B", "compliance"): [2.6, 2.4, 2.2], ("A", "compliance"): [3.7, 3.8, 3.7]},
        projects={("A", "compliance")},  # Aurora assumes Meridian sees compliance as it does
    ),
    Story(
        "Kestrel CMC Supply",
        "Kestrel Manufacturing",
        "simple",
        "commercial",
        "supplier",
        "supplier-performance",
        "Reliable, compliant drug-substance supply at agreed cost.",
        "manager2@example.com",
        3,
        {"A": 3.6, "B": 3.9},
        {"A": 6, "B": 12},
        {"A": 5, "B": 4},
        last_closed_days_ago=70,
        # Aurora answers with its buyers, Kestrel only with its plant's quality people
        panel={
            "A": ["finance", "commercial", "finance", "commercial", "finance", "legal_compliance"],
            "B": ["manufacturing_quality"] * 8
            + ["commercial", "executive", "finance", "alliance_management"],
        },
    ),
    Story(
        "DataWell Digital Trials",
        "DataWell Analytics",
        "typical",
        "development",
        "digital",
        "digital-partnership",
        "Run decentralised trials with remote monitoring at scale.",
        "manager2@example.com",
        3,
        {"A": 3.7, "B": 3.9},
        {"A": 6, "B": 6},
        {"A": 6, "B": 5},
        trend={("A", "speed"): [3.0, 2.8, 2.7], ("B", "speed"): [3.9, 4.0, 4.1]},
        divergent={("A", "speed")},
    ),
    Story(
        "Lumen Dermatology Co-promotion",
        "Lumen Skin Sciences",
        "typical",
        "sunset",
        "co-commercial",
        "alliance-health-check",
        "Co-promote LUM-8 in the EU until loss of exclusivity, then hand over smoothly.",
        "manager@example.com",
        5,
        {"A": 3.9, "B": 3.8},
        {"A": 6, "B": 6},
        {"A": 5, "B": 5},
        drift={"A": -0.2, "B": -0.25},
        last_closed_days_ago=245,
    ),
    Story(
        "Synapse Neuro Discovery",
        "Synapse Therapeutics",
        "complex",
        "discovery",
        "R&D",
        "alliance-health-check",
        "Find two clinical candidates for ALS by 2028.",
        "manager@example.com",
        3,
        {"A": 3.5, "B": 3.7},
        {"A": 6, "B": 6},
        {"A": 5, "B": 5},
        drift={"A": 0.15, "B": 0.1},
        last_closed_days_ago=75,
        open_round=True,
        # the next round's lists are being made: Synapse has so far invited its commercial team
        open_panel={
            "A": ["research", "research", "alliance_management", "executive", "development", "finance"],
            "B": ["commercial", "commercial", "commercial", "executive", "legal_compliance", "research"],
        },
    ),
]


def run(today: date | None = None) -> dict:
    """Seed the demo portfolio once; running it again changes nothing."""
    today = today or date.today()
    created_users = _users()
    created = []
    for i, story in enumerate(STORIES):
        if alliances.by_name(story.name) is None:
            _seed(story, random.Random(1000 + i), today)
            created.append(story.name)
    return {"users": created_users, "alliances": created}


def _users() -> list[str]:
    made = []
    for email, role, name, password in DEMO_USERS:
        if users.by_email(email) is None:
            users.create(email, role, password, name=name)
            made.append(email)
    return made


def _level(story: Story, side: str, dim: str, index: int) -> float:
    values = story.trend.get((side, dim))
    if values:
        return values[min(index, len(values) - 1)]
    return story.base[side] + story.drift.get(side, 0.0) * index


def _round_dates(story: Story, today: date) -> list[tuple[date, date]]:
    cadence = {"complex": 3, "typical": 6, "simple": 12}[story.segment]
    last_close = today - timedelta(days=story.last_closed_days_ago)
    closes = [add_months(last_close, -cadence * (story.rounds - 1 - i)) for i in range(story.rounds)]
    return [(c - timedelta(days=21), c) for c in closes]


def _label(closes_on: date) -> str:
    return f"{closes_on.year}-Q{(closes_on.month - 1) // 3 + 1}"


def _seed(story: Story, rng: random.Random, today: date) -> None:
    questionnaire = questionnaires.latest(story.survey)
    alliance = alliances.save(
        alliances.AllianceData(
            story.name,
            SIDE_A,
            story.partner,
            story.segment,
            story.phase,
            story.kind,
            story.north_star,
            owner_emails=[story.owner],
            member_emails=story.members,
        ),
        actor=None,
    )
    plan = [(opens, closes, "closed") for opens, closes in _round_dates(story, today)]
    if story.open_round:
        plan.append((today - timedelta(days=5), today + timedelta(days=16), "open"))
    made = []
    for index, (opens_on, closes_on, status) in enumerate(plan):
        rnd = Round(
            alliance=alliance,
            questionnaire=questionnaire,
            label=_label(closes_on),
            status=status,
            opens_on=opens_on,
            closes_on=closes_on,
            opened_at=datetime.combine(opens_on, datetime.min.time()) + timedelta(hours=9),
            k_anonymity=alliance.k_anonymity,
        )
        if status == "closed":
            rnd.closed_at = datetime.combine(closes_on, datetime.min.time()) + timedelta(hours=18)
        made.append(rnd)
        db.session.add(rnd)
        db.session.flush()
        partial = status == "open"
        given = {}
        for side in ("A", "B"):
            submitted = story.submitted[side] - (2 if partial else 0)
            roles = (story.open_panel if partial else {}).get(side) or story.panel.get(side) or PANEL
            given[side] = _respondents(story, rnd, questionnaire, side, index, max(submitted, 1), rng, roles)
        # its own generator, so the answers stay what they were before predictions existed
        guesses = _predictions(story, questionnaire, given, random.Random(f"{story.name} {index}"))
        for side in ("A", "B"):
            for (inv, scores, comments, stamp), guess in zip(given[side], guesses[side], strict=True):
                responses.record_submitted(inv, scores, comments, stamp, guess)
        summaries.refresh_round(rnd)
    demo_memory.seed(alliance, [r for r in made if r.status == "closed"])


def _respondents(story, rnd, questionnaire, side, index, submitted, rng, roles) -> list[tuple]:
    """Invite a side's people; (invitation, scores, comments, stamp) of those who submitted."""
    org = SIDE_A if side == "A" else story.partner
    domain = org.lower().split()[0] + ".example"
    lo, hi = questionnaire.scale_min, questionnaire.scale_max
    people = rng.sample([(f, la) for f in FIRST for la in LAST], story.invited[side])
    given = []
    for n, (first, last) in enumerate(people):
        done = n < submitted
        stamp = datetime.combine(rnd.opens_on, datetime.min.time()) + timedelta(days=rng.randint(0, 15))
        inv = Invitation(
            round_id=rnd.id,
            side=side,
            name=f"{first} {last}",
            email=f"{first}.{last}@{domain}".lower(),
            function=roles[n % len(roles)],
            status="submitted" if done else "pending",
            submitted_at=stamp if done else None,
        )
        inv.issue_link()
        db.session.add(inv)
        if not done:
            continue
        db.session.flush()
        scores, comments = {}, {}
        bias = rng.gauss(0, 0.2)
        for dim in questionnaire.dimensions:
            spread = 1.7 if (side, dim.key) in story.divergent else 0.0
            level = _level(story, side, dim.key, index) + bias + rng.gauss(0, spread)
            for q in dim.questions:
                score = None if rng.random() < 0.03 else math.floor(level + rng.gauss(0, 0.45) + 0.5)
                scores[q.id] = None if score is None else min(hi, max(lo, score))
            if rng.random() < 0.12 or (level < 2.8 and rng.random() < 0.5):
                comments[dim.id] = rng.choice(CONCERN if level < 3.2 else PRAISE)
        given.append((inv, scores, comments, stamp))
    return given


def _dimension_means(questionnaire, given: list[tuple]) -> dict[str, float]:
    """A side's mean respondent score per dimension (DESIGN §3.1) of the answers it gave."""
    out = {}
    for dim in questionnaire.dimensions:
        person_means = []
        for _inv, scores, _comments, _stamp in given:
            values = [scores[q.id] for q in dim.questions if scores.get(q.id) is not None]
            if values:
                person_means.append(sum(values) / len(values))
        out[dim.key] = sum(person_means) / len(person_means) if person_means else 3.0
    return out


def _guesses(target: float, count: int, lo: int, hi: int, rng: random.Random) -> list[int]:
    """``count`` whole-number guesses on the scale whose mean is within 0.5/count of ``target``,
    spread a little: a share of them one point up, and (where the scale allows) a pair moved
    apart by one point each, so the mean stays."""
    target = min(hi, max(lo, target))
    low = math.floor(target)
    ups = round((target - low) * count)
    values = [min(hi, low + 1) if i < ups else low for i in range(count)]
    if count >= 2 and values[0] < hi and values[-1] > lo:
        values[0], values[-1] = values[0] + 1, values[-1] - 1
    rng.shuffle(values)
    return values


def _predictions(story: Story, questionnaire, given: dict[str, list], rng: random.Random) -> dict[str, list]:
    """Per side, each respondent's predictions {dimension id: score} (empty without meta-perception)."""
    if not questionnaire.meta_perception:
        return {side: [{} for _ in people] for side, people in given.items()}
    means = {side: _dimension_means(questionnaire, people) for side, people in given.items()}
    out = {}
    for side, people in given.items():
        partner = "B" if side == "A" else "A"
        columns = {}
        for dim in questionnaire.dimensions:
            source = side if (side, dim.key) in story.projects else partner
            target = means[source][dim.key] + story.misread.get((side, dim.key), 0.0)
            scale = questionnaire.scale_min, questionnaire.scale_max
            columns[dim.id] = _guesses(target, len(people), *scale, rng)
        out[side] = [{did: values[i] for did, values in columns.items()} for i in range(len(people))]
    return out

"""The demo portfolio's people and stories (data only; ``demo`` seeds them)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

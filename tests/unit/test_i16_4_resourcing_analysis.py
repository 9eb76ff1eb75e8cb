"""DESIGN §3.18 resourcing figures against numbers worked out by hand (issue 16 item 4)."""

import pytest

from healthcheck.analysis import resourcing as r

ANN = r.Manager(1, "Ann", 1.0)
BEN = r.Manager(2, "Ben", 0.5)
CLEO = r.Manager(3, "Cleo", 1.0, active=False)  # left the company: her account is deactivated
MANAGERS = [ANN, BEN, CLEO]
STD = r.standards()


def _a(i, name, segment, owners, rounds=()):
    return r.AllianceIn(i, name, segment, tuple(owners), tuple(rounds))


PORTFOLIO = [
    _a(1, "Alpha", "complex", [1, 2]),  # 0.5 / 2 = 0.25 each
    _a(2, "Beta", "typical", [1]),  # Ann 0.2
    _a(3, "Gamma", "complex", [1]),  # Ann 0.5
    _a(4, "Delta", "simple", [2, 3]),  # Cleo is inactive: Ben carries all 0.05
    _a(5, "Echo", "typical", [3]),  # only an inactive owner: unmanaged
    _a(6, "Fox", "simple", []),  # no owner at all: unmanaged
    _a(7, "Golf", "simple", [1]),  # Ann 0.05
]


def test_default_standards():
    assert {s: (x.fte, x.cadence_months) for s, x in STD.items()} == {
        "simple": (0.05, 12),
        "typical": (0.2, 6),
        "complex": (0.5, 3),
    }


def test_workload_splits_an_alliance_among_its_active_owners_and_capacity_is_a_strict_limit():
    loads = {x.manager.name: x for x in r.workloads(PORTFOLIO, MANAGERS, STD)}
    assert set(loads) == {"Ann", "Ben"}  # an inactive account carries nothing
    # Ann: 0.25 + 0.2 + 0.5 + 0.05 = 1.00, exactly her capacity: not over
    assert loads["Ann"].workload == pytest.approx(1.0)
    assert loads["Ann"].over_capacity is False
    # Ben: 0.25 + 0.05 = 0.30 of 0.5
    assert loads["Ben"].workload == pytest.approx(0.30)
    assert loads["Ben"].use == pytest.approx(0.6)
    assert [(s.alliance, s.fte, s.owners) for s in loads["Ben"].shares] == [
        ("Alpha", pytest.approx(0.25), 2),
        ("Delta", pytest.approx(0.05), 1),
    ]


def test_over_capacity_and_the_order_heaviest_first():
    hotel = _a(8, "Hotel", "typical", [1, 2])  # 0.1 each
    loads = r.workloads([*PORTFOLIO, hotel], MANAGERS, STD)
    assert [(x.manager.name, round(x.workload, 10), x.over_capacity) for x in loads] == [
        ("Ann", 1.1, True),  # 1.00 + 0.10 > 1.0
        ("Ben", 0.4, False),  # 0.30 + 0.10 ≤ 0.5
    ]


def test_unmanaged_alliances_have_no_active_owner():
    assert [a.name for a in r.unmanaged(PORTFOLIO, MANAGERS)] == ["Echo", "Fox"]


def test_configured_effort_changes_the_workload():
    std = r.standards({"complex": 0.4})
    ann = next(x for x in r.workloads(PORTFOLIO, MANAGERS, std) if x.manager.name == "Ann")
    assert ann.workload == pytest.approx(0.2 + 0.2 + 0.4 + 0.05)  # Alpha 0.4/2, Beta, Gamma, Golf


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"complex": -0.1}, "complex: an effort in FTE between 0 and 2"),
        ({"typical": "a lot"}, "typical: an effort in FTE"),
        ({"huge": 1.0}, "huge: not a segment"),
    ],
)
def test_unusable_standard_is_named(bad, words):
    with pytest.raises(ValueError, match=words):
        r.standards(bad)


G, A, R = "green", "amber", "red"


def _rounds(*specs):
    return [r.ClosedRound(f"R{i + 1}", rag, w) for i, (rag, w) in enumerate(specs)]


@pytest.mark.parametrize(
    "segment, rounds, suggested, words",
    [
        ("typical", [(G, 0), (R, 0)], "complex", "latest closed round (R2) is red"),
        ("simple", [(G, 3)], "typical", "carries 3 early warnings"),
        ("simple", [(None, 4)], "typical", "carries 4 early warnings"),  # index hidden, warnings count
        ("typical", [(R, 5)], "complex", "is red and carries 5 early warnings"),
        ("simple", [(A, 2)], None, None),
        ("typical", [(R, 4), (G, 0)], None, None),  # only the latest round counts
        ("complex", [(G, 0), (G, 0), (G, 0)], "typical", "last 3 closed rounds (R1, R2, R3) were all green"),
        ("complex", [(R, 6), (G, 0), (G, 0), (G, 0)], "typical", "(R2, R3, R4)"),
        ("complex", [(G, 0), (G, 1), (G, 0)], None, None),  # one warning
        ("complex", [(G, 0), (A, 0), (G, 0)], None, None),
        ("complex", [(G, 0), (G, 0)], None, None),  # only two closed rounds
        ("complex", [(R, 5)], None, None),  # complex is the top segment
        ("simple", [], None, None),
    ],
)
def test_segment_review(segment, rounds, suggested, words):
    review = r.segment_review(_a(9, "X", segment, [1], _rounds(*rounds)))
    if suggested is None:
        assert review is None
    else:
        assert (review.segment, review.suggested) == (segment, suggested)
        assert words in review.reason


def test_what_if_moves_the_whole_alliance_to_the_new_owner():
    hotel = _a(8, "Hotel", "typical", [1, 2])
    alliances = [*PORTFOLIO, hotel]  # Ann 1.10, Ben 0.40
    changes = r.what_if(alliances, MANAGERS, STD, alliance_id=3, new_owner_id=2)  # Gamma, 0.5
    assert [(c.manager.name, round(c.before, 10), round(c.after, 10)) for c in changes] == [
        ("Ann", 1.1, 0.6),
        ("Ben", 0.4, 0.9),
    ]
    assert [(c.over_before, c.over_after) for c in changes] == [(True, False), (False, True)]
    # Alpha is shared by both: Ben takes Ann's 0.25 too
    shared = r.what_if(alliances, MANAGERS, STD, alliance_id=1, new_owner_id=2)
    assert [(c.manager.name, round(c.before, 10), round(c.after, 10)) for c in shared] == [
        ("Ann", 1.1, 0.85),
        ("Ben", 0.4, 0.65),
    ]
    # an unmanaged alliance: only the new owner's workload moves
    echo = r.what_if(alliances, MANAGERS, STD, alliance_id=5, new_owner_id=1)
    assert [(c.manager.name, round(c.before, 10), round(c.after, 10)) for c in echo] == [("Ann", 1.1, 1.3)]

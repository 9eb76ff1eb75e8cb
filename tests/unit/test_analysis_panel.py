"""Issue 13 item 4: panel balance (DESIGN §3.15) against figures worked out by hand."""

import pytest

from healthcheck.analysis import grouped, panel, report
from tests.unit.report_meta import META

HIDDEN = panel.HIDDEN


def test_i13_4_panel_distance_by_hand():
    # A: research 3, finance 1 (n 4) → shares 0.75, 0.25; B: research 1, commercial 3 (n 4) →
    # 0.25, 0.75. ½(|0.75−0.25| + |0.25−0| + |0−0.75|) = ½(0.5 + 0.25 + 0.75) = 0.75
    assert panel.distance({"research": 3, "finance": 1}, {"research": 1, "commercial": 3}) == pytest.approx(
        0.75
    )
    # different sizes, same shares: 0
    assert panel.distance({"research": 2, "finance": 2}, {"research": 5, "finance": 5}) == 0
    # nothing in common: 1
    assert panel.distance({"executive": 2}, {"digital": 7}) == 1
    # A: research 2, finance 1 (2/3, 1/3); B: research 1, finance 1, legal 1 (1/3 each):
    # ½(1/3 + 0 + 1/3) = 1/3
    third = panel.distance(
        {"research": 2, "finance": 1}, {"research": 1, "finance": 1, "legal_compliance": 1}
    )
    assert third == pytest.approx(1 / 3)
    assert panel.distance({}, {"research": 3}) is None


def test_i13_4_function_list_parses_keys_and_labels_loosely():
    assert list(panel.FUNCTIONS)[0] == "executive" and len(panel.FUNCTIONS) == 10
    assert panel.parse("alliance_management") == "alliance_management"
    assert panel.parse("  Alliance  Management ") == "alliance_management"
    assert panel.parse("Manufacturing & quality") == "manufacturing_quality"
    assert panel.parse("manufacturing-quality") == "manufacturing_quality"
    assert panel.parse("Legal and compliance") == "legal_compliance"
    assert panel.parse("") == "other"
    assert panel.parse("R&D") is None  # synonyms only in the migration of old free text
    assert panel.label("manufacturing_quality") == "Manufacturing & quality"


def test_i13_4_report_panel_under_k():
    # k 3. A: research 4, finance 2 → research shown, finance "<k" (and every absent function
    # "<k" too, so a "<k" does not say whether anyone of that function answered).
    block = panel.published({"research": 4, "finance": 2}, {"research": 3, "commercial": 3}, 3)
    assert set(block) == {"distance", "A", "B"}
    assert list(block["A"]) == list(panel.FUNCTIONS)
    assert block["A"]["research"] == 4 and block["A"]["finance"] == HIDDEN
    assert block["A"]["digital"] == HIDDEN
    assert block["B"] == {f: {"research": 3, "commercial": 3}.get(f, HIDDEN) for f in panel.FUNCTIONS}
    # A's hidden 2 are not determined by the table (finance? legal? one each?): no distance
    assert block["distance"] is None


def test_i13_4_distance_published_when_the_table_determines_it():
    # A: research 3, commercial 3 (n 6); B: research 4 (n 4): every count is shown or, the
    # shown ones adding up to the side's total, known to be 0. ½(|0.5−1| + |0.5−0|) = 0.5
    block = panel.published({"research": 3, "commercial": 3}, {"research": 4}, 3)
    assert block["distance"] == pytest.approx(0.5)


def test_i13_4_distance_would_leak_a_count_so_it_is_withheld():
    # A: research 5, legal 5. B (n 5): research 3 and two more. If B's two are legal 2 the
    # distance is ½(|0.5−0.6| + |0.5−0.4| + 0) = 0.1; if legal 1 + finance 1 it is
    # ½(0.1 + 0.3 + 0.2) = 0.3; if finance 2, ½(0.1 + 0.5 + 0.4) = 0.5. The published table is
    # the same in the three cases, so publishing the distance would tell B's legal count.
    a = {"research": 5, "legal_compliance": 5}
    cases = [
        {"research": 3, "legal_compliance": 2},
        {"research": 3, "legal_compliance": 1, "finance": 1},
        {"research": 3, "finance": 2},
    ]
    assert [panel.distance(a, b) for b in cases] == pytest.approx([0.1, 0.3, 0.5])
    published = [panel.published(a, b, 3) for b in cases]
    assert published[0] == published[1] == published[2]
    assert published[0]["distance"] is None


def test_i13_4_a_single_hidden_function_is_not_left_to_subtraction():
    # Nine functions with 3 each and digital 1 (n 28): "<k" for digital alone would be
    # 28 − 27 = 1 by subtraction, so the smallest shown count (executive, first in the list
    # of the 3s) is hidden too.
    a = {f: 3 for f in panel.FUNCTIONS if f != "digital"} | {"digital": 1}
    block = panel.published(a, {"research": 3}, 3)
    assert block["A"]["digital"] == HIDDEN and block["A"]["executive"] == HIDDEN
    assert block["A"]["research"] == 3
    assert block["distance"] is None
    # with digital 0 nothing is given away: no extra cell hidden
    zero = panel.published({f: 3 for f in panel.FUNCTIONS if f != "digital"}, {"research": 3}, 3)
    assert zero["A"]["executive"] == 3 and zero["A"]["digital"] == HIDDEN


def _assembled(mix_a, mix_b, k=3):
    counts = {
        s: {"invited": sum(m.values()) + 1, "submitted": sum(m.values()), "submitted_by_function": m}
        for s, m in (("A", mix_a), ("B", mix_b))
    }
    empty = grouped.RoundStats({}, {}, {})
    return report.assemble(META, empty, [], [], counts, k)


def test_i13_4_warning_appears_when_panels_are_unbalanced():
    # A: research 3, finance 1; B: research 1, commercial 3: distance 0.75 (above), both n 4 ≥ 3
    rep = _assembled({"research": 3, "finance": 1}, {"research": 1, "commercial": 3})
    found = [w for w in rep["warnings"] if w["code"] == "panel_imbalance"]
    assert len(found) == 1
    assert found[0]["side"] is None and found[0]["dimension"] is None
    assert "Pharma" in found[0]["message"] and "Bio" in found[0]["message"]
    assert "0.75" not in found[0]["message"]  # the distance is not published here (finance 1, research 1)
    assert rep["panel"]["distance"] is None
    assert any(p["kind"] == "warning" and "functions" in p["message"] for p in rep["talking_points"])


def test_i13_4_warning_names_the_distance_when_it_is_published():
    # A: executive 3; B: research 3: distance 1, every count shown
    rep = _assembled({"executive": 3}, {"research": 3})
    assert rep["panel"]["distance"] == 1
    (found,) = [w for w in rep["warnings"] if w["code"] == "panel_imbalance"]
    assert "panel distance 1.00" in found["message"]


def test_i13_4_no_warning_when_balanced_or_too_few():
    # A: research 2, finance 2; B: research 2, finance 1, legal 1: ½(0 + 0.25 + 0.25) = 0.25
    balanced = _assembled({"research": 2, "finance": 2}, {"research": 2, "finance": 1, "legal_compliance": 1})
    assert not [w for w in balanced["warnings"] if w["code"] == "panel_imbalance"]
    # distance 1 but B has 2 responses, fewer than k 3
    few = _assembled({"executive": 3}, {"research": 2})
    assert not [w for w in few["warnings"] if w["code"] == "panel_imbalance"]
    # exactly 0.5 warns (≥): A research 3 commercial 3, B research 4 → 0.5
    edge = _assembled({"research": 3, "commercial": 3}, {"research": 4})
    assert [w["code"] for w in edge["warnings"]] == ["panel_imbalance"]


def test_i13_4_invited_mix_counts_every_invitation():
    # invited: A research 2, finance 1; B commercial 3 → rows research, finance, commercial;
    # distance ½(2/3 + 1/3 + 1) = 1
    mix = panel.invited_mix({"research": 2, "finance": 1}, {"commercial": 3})
    assert [(r["function"], r["A"], r["B"]) for r in mix["rows"]] == [
        ("research", 2, 0),
        ("commercial", 0, 3),
        ("finance", 1, 0),
    ]
    assert mix["totals"] == {"A": 3, "B": 3} and mix["distance"] == pytest.approx(1) and mix["unbalanced"]
    assert not panel.invited_mix({"research": 1}, {})["unbalanced"]

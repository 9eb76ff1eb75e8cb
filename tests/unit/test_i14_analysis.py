"""Issue 14 items 1 and 3: the pure rules behind the k warnings and the next health check."""

from datetime import date

from healthcheck.analysis import anonymity
from healthcheck.analysis.dates import next_check


def test_i14_3_next_check_counts_the_cadence_from_the_last_close():
    # closed 15 Jan 2026, every 6 months: due 15 Jul 2026; a 21-day round opens 24 Jun (15 Jul − 21)
    check = next_check(date(2026, 1, 15), date(2025, 1, 1), 6, today=date(2026, 8, 14))
    assert check.due_on == date(2026, 7, 15) and check.opens_on == date(2026, 6, 24)
    # 14 Aug is 30 days past due: not yet overdue (more than 30 days)
    assert check.days_late == 30 and not check.overdue
    assert next_check(date(2026, 1, 15), date(2025, 1, 1), 6, today=date(2026, 8, 15)).overdue
    # a round open now is never overdue; with no close yet the set-up date counts
    assert not next_check(date(2026, 1, 15), date(2025, 1, 1), 6, date(2027, 1, 1), round_open=True).overdue
    assert next_check(None, date(2026, 3, 31), 3, date(2026, 4, 1)).due_on == date(2026, 6, 30)


def test_i14_1_side_standing_in_words():
    draft = anonymity.side_standing("Side B · Helix", 2, 0, 3, "draft")
    assert draft["hidden"] and draft["short"] == 1
    assert draft["message"] == (
        "Side B · Helix: 2 invited — fewer than k = 3, its figures will be hidden. Invite at least 1 more."
    )
    waiting = anonymity.side_standing("Side A · Aurora", 5, 2, 3, "open")
    assert waiting["hidden"] and waiting["short"] == 1  # 3 − 2 answers still needed
    assert (
        "2 of 5 submitted — fewer than k = 3: closed now, its figures would be hidden." in waiting["message"]
    )
    enough = anonymity.side_standing("Side A · Aurora", 5, 3, 3, "open")
    assert not enough["hidden"] and enough["short"] == 0
    closed = anonymity.side_standing("Side B · Helix", 4, 2, 3, "closed")
    assert closed["hidden"] and closed["message"].endswith(
        "2 of 4 submitted — fewer than k = 3, its figures and comments are hidden."
    )


def test_i14_1_hidden_reasons_name_the_side_and_the_dimensions():
    shown = {"n": 4, "mean": 3.5}
    report = {
        "k_anonymity": 3,
        "alliance": {"sides": {"A": "Aurora", "B": "Helix"}},
        "sides": {"A": {"submitted": 4}, "B": {"submitted": 2}},
        "dimensions": [
            {"title": "Trust", "A": shown, "B": {"n": 2, "suppressed": True}},
            {"title": "Speed", "A": {"n": 2, "suppressed": True}, "B": {"n": 2, "suppressed": True}},
        ],
    }
    a, b = anonymity.hidden_reasons(report)
    # A: 4 answered (≥ k) but only 2 rated Speed other than N/A → that one dimension is hidden
    assert a == (
        "Aurora (A): 1 of 2 dimensions hidden (Speed) — fewer than k = 3 of its people rated them "
        "(N/A and blanks do not count)."
    )
    assert b.startswith("Helix (B): 2 answered, fewer than k = 3 — its figures and comments are hidden")
    report["sides"]["B"]["submitted"] = 3
    report["dimensions"] = [{"title": "Trust", "A": shown, "B": shown}]
    assert anonymity.hidden_reasons(report) == []

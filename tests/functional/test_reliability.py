"""Reliability of a questionnaire version (issue 13 item 5, DESIGN §3.13): Cronbach's α per
dimension over the complete responses of closed rounds, kept up to date as rounds close and
by the rebuild, shown to admins and as a footnote of the organisation's round report."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from healthcheck.extensions import db
from tests.conftest import csrf_token

SURVEY = "alliance-health-check"


def _people(seed: int, sides: str):
    """Deterministic respondents: a level per person, an offset per statement, some noise and
    an N/A now and then (a response with an N/A in a dimension does not count for its α)."""
    rng = np.random.default_rng(seed)
    return [(side, rng.normal(3.2, 0.8), rng) for side in sides]


def _score(level, rng, position):
    if rng.random() < 0.04:
        return None
    return int(min(5, max(1, round(level + 0.3 * math.sin(position) + rng.normal(0, 0.6)))))


def _answers(app, people):
    """{(side, person): {question key: score or None}} over the questionnaire's statements."""
    from healthcheck.services import questionnaires

    with app.app_context():
        keys = [q.key for q in questionnaires.latest(SURVEY).questions]
    return {
        (side, i): {key: _score(level, rng, p) for p, key in enumerate(keys)}
        for i, (side, level, rng) in enumerate(people)
    }


def _import(app, label, answers, closes_on):
    from healthcheck.services import history_import

    lines = ["side,respondent,question,score,comment"]
    lines += [
        f"{side},p{person},{key},{'' if score is None else score},"
        for (side, person), scores in answers.items()
        for key, score in scores.items()
    ]
    spec = history_import.ImportSpec("Helix R&D", "Aurora Pharma", "Partner Bio", SURVEY, label, closes_on)
    with app.app_context():
        result = history_import.run(spec, "\n".join(lines))
        db.session.commit()
        return result.round.id


def _groups(answers):
    """The responses of one round per side: the groups the k rule looks at."""
    return [[s for (side, _), s in answers.items() if side == wanted] for wanted in "AB"]


def _expected(app, groups, k=3):
    """α per dimension straight from the variance formula (numpy), over the complete responses
    of the (round, side) groups that have at least k of them."""
    from healthcheck.services import questionnaires

    with app.app_context():
        dims = [(d.key, [q.key for q in d.questions]) for d in questionnaires.latest(SURVEY).dimensions]
    out = {}
    for dim, keys in dims:
        complete = [[[s[q] for q in keys] for s in g if all(s[q] is not None for q in keys)] for g in groups]
        rows = [row for g in complete if len(g) >= k for row in g]
        x = np.array(rows, dtype=float)
        m = len(keys)
        out[dim] = (len(rows), m / (m - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1)))
    return out


def _alpha(app):
    from healthcheck.services import questionnaires, reliability

    with app.app_context():
        rows = reliability.of_version(questionnaires.latest(SURVEY).id)
    return {r["dimension"]: (r["responses"], r["alpha"]) for r in rows}


def _same(found, expected):
    assert found.keys() == expected.keys()
    for dim, (n, value) in expected.items():
        assert found[dim][0] == n, dim
        assert n < 30 and found[dim][1] is None or math.isclose(found[dim][1], value, rel_tol=1e-12), dim


@pytest.fixture
def history(app):
    """Two imported closed rounds of 20 responses each (10 per side): 40 responses."""
    first = _answers(app, _people(1, "AB" * 10))
    second = _answers(app, _people(2, "AB" * 10))
    _import(app, "2025-H1", first, date(2025, 6, 30))
    _import(app, "2025-H2", second, date(2025, 12, 15))
    return _groups(first) + _groups(second)


def _live_round(app, invite, sides, answers_by_index):
    from healthcheck.models import Alliance
    from healthcheck.services import questionnaires, responses, rounds

    with app.app_context():
        alliance = db.session.scalar(db.select(Alliance).where(Alliance.name == "Helix R&D"))
        rnd = rounds.create(
            alliance,
            questionnaires.latest(SURVEY),
            "2026-H1",
            date(2026, 1, 5),
            date(2026, 1, 26),
            today=date(2026, 1, 5),  # planned then: the dates are not in the past
        )
        rounds.open_round(rnd)
        db.session.commit()
        round_id = rnd.id
    for token, scores in zip(invite(round_id, sides), answers_by_index, strict=True):
        with app.app_context():
            inv = responses.invitation_by_token(token)
            given = responses.Answers()
            given.scores = dict(scores)
            responses.submit_target(responses.target_of(token, inv), given)
            db.session.commit()
    return round_id


def test_i13_5_alpha_pools_closed_rounds_of_the_version(app, history):
    _same(_alpha(app), _expected(app, history))
    assert all(n > 30 for n, _ in _alpha(app).values())  # so every α is shown


def test_i13_5_an_open_round_counts_once_closed_and_a_side_below_k_never(app, history, invite):
    from healthcheck.models import Round
    from healthcheck.services import rounds, summaries

    live = _answers(app, _people(3, "AAAABB"))  # side B: 2 responses, below k = 3
    round_id = _live_round(app, invite, "AAAABB", list(live.values()))
    before = _alpha(app)
    _same(before, _expected(app, history))  # open: its figures are not published, α unchanged
    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    _same(_alpha(app), _expected(app, history + _groups(live)))
    with app.app_context():  # refreshing a closed round again replaces its part, never adds it twice
        summaries.refresh_round(db.session.get(Round, round_id))
        db.session.commit()
    _same(_alpha(app), _expected(app, history + _groups(live)))
    # side B's two responses would change α (k = 2 lets them in): they were left out
    assert _expected(app, history + _groups(live), k=2) != _expected(app, history + _groups(live))
    assert _alpha(app) != before


def test_i13_5_rebuild_recounts_the_same_totals(app, history, invite):
    from healthcheck.models import QuestionnaireReliability, ReliabilityPart, Round
    from healthcheck.services import rebuild, rounds

    live = _answers(app, _people(4, "AAABBB"))
    round_id = _live_round(app, invite, "AAABBB", list(live.values()))
    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
        kept = {
            r.questionnaire_id: (r.totals, r.rounds)
            for r in db.session.scalars(db.select(QuestionnaireReliability))
        }
        db.session.execute(db.delete(ReliabilityPart))
        db.session.execute(db.update(QuestionnaireReliability).values(totals={}, rounds=0))
        db.session.commit()
    assert all(n == 0 for n, _ in _alpha(app).values())
    with app.app_context():
        rebuild.rebuild()
        db.session.commit()
        again = {
            r.questionnaire_id: (r.totals, r.rounds)
            for r in db.session.scalars(db.select(QuestionnaireReliability))
        }
    assert again == kept and list(kept.values())[0][1] == 3
    _same(_alpha(app), _expected(app, history + _groups(live)))


def _login(client, email):
    client.post(
        "/login", data={"email": email, "password": "correct-horse-battery", "csrf_token": csrf_token(client)}
    )


def test_i13_5_report_footnote_for_the_organisation_not_the_partner(app, client, history, make_user):
    from healthcheck.models import Alliance, Round, User
    from healthcheck.services import sharing

    make_user("admin@example.com", "admin")
    with app.app_context():
        alliance = db.session.scalar(db.select(Alliance).where(Alliance.name == "Helix R&D"))
        rnd = db.session.scalar(db.select(Round).where(Round.label == "2025-H2"))
        _link, token = sharing.create(rnd, db.session.scalar(db.select(User)), days=7)
        db.session.commit()
        url = f"/alliances/{alliance.id}/rounds/{rnd.id}/report"
    _login(client, "admin@example.com")
    page = client.get(url).get_data(as_text=True)
    n, value = _alpha(app)["finance"]
    assert f"Finance and budget: α {value:.2f} over {n} responses" in page
    assert page.index('id="dimension-table"') < page.index('id="reliability"') < page.index('id="actions"')
    partner = app.test_client().get(f"/shared/{token}").get_data(as_text=True)
    assert "What to talk about" in partner and 'id="reliability"' not in partner and "α" not in partner


def test_i13_5_admin_questionnaire_page_shows_a_table_per_version(app, client, history, make_user):
    make_user("admin@example.com", "admin")
    make_user("manager@example.com", "manager")
    _login(client, "manager@example.com")
    assert client.get("/admin/questionnaires").status_code == 403
    other = app.test_client()
    _login(other, "admin@example.com")
    page = other.get("/admin/questionnaires").get_data(as_text=True)
    table = page[page.index('id="reliability-alliance-health-check-1"') :]
    table = table[: table.index("</table>")]
    assert "2 closed rounds counted" in table
    n, value = _alpha(app)["trust"]
    assert f"<td>{value:.2f}</td><td>{n}</td>" in table
    assert 'id="reliability-supplier-performance-1"' in page and "fewer than 30 responses" in page


def test_i13_6_trend_page_draws_intervals_and_says_whether_a_drop_is_beyond_noise(app, client, make_user):
    """Trend page (issue 13 item 6): B's finance falls from about 4 to about 2 between two
    imported rounds of 6 + 6 respondents: a drop far beyond noise."""
    from healthcheck.models import Alliance

    def scores(finance_b, seed):
        answers = _answers(app, _people(seed, "AB" * 6))
        for (side, _), given in answers.items():
            for key in given:
                if key.startswith("finance_") and side == "B":
                    given[key] = finance_b[len(key) % 2]
        return answers

    _import(app, "2025-H1", scores([4, 5], 5), date(2025, 6, 30))
    _import(app, "2025-H2", scores([2, 1], 6), date(2025, 12, 15))
    make_user("admin@example.com", "admin")
    _login(client, "admin@example.com")
    with app.app_context():
        alliance_id = db.session.scalar(db.select(Alliance.id).where(Alliance.name == "Helix R&D"))
    page = client.get(f"/alliances/{alliance_id}/trend").get_data(as_text=True)
    assert "the vertical line is its 95 % interval" in page
    assert page.count('aria-roledescription="rule mark"') >= 2 * 8 * 2  # 2 sides × 8 dimensions × 2 rounds
    warnings = page[page.index('id="twarnings"') :]
    assert (
        '<span class="noise noise-beyond">beyond noise</span>: Partner Bio&#39;s view of Finance' in warnings
    )
    trend = client.get(f"/alliances/{alliance_id}/trend.json").get_json()
    drop = next(w for w in trend["warnings"] if w["code"] == "dimension_drop" and w["dimension"] == "finance")
    assert drop["change"] < -2 and drop["change_ci95"][1] < 0 and drop["beyond_noise"] is True

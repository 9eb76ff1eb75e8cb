"""A believable demo portfolio: seven alliances, each telling its own story."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from healthcheck.analysis.dates import add_months
from healthcheck.extensions import db
from healthcheck.models import Invitation, Round
from healthcheck.services import (
    alliances,
    demo_front,
    demo_memory,
    demo_review,
    questionnaires,
    responses,
    summaries,
    users,
)
from healthcheck.services.demo_facts import seed as seed_facts
from healthcheck.services.demo_stories import (
    CONCERN,
    DEMO_USERS,
    FIRST,
    LAST,
    PANEL,
    PRAISE,
    SIDE_A,
    STORIES,
    Story,
)


def run(today: date | None = None) -> dict:
    """Seed the demo portfolio once; running it again changes nothing."""
    today = today or date.today()
    created_users = _users()
    created = []
    for i, story in enumerate(STORIES):
        if alliances.by_name(story.name) is None:
            _seed(story, random.Random(1000 + i), today)
            created.append(story.name)
    seed_facts()  # facts beside perception (issue 16), before the review freezes its pack
    demo_review.seed(today)  # Nordvik's review published, the latest round in review (issue 15)
    demo_front.seed(today)  # a manager over capacity, an alliance without an active owner (issue 16)
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

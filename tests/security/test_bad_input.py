"""The bad-input catalogue of docs/SECURITY.md: each row is a test here or named there.

Property-based tests (hypothesis) drive the forms with at least 1,000 generated inputs each
and expect no server error, and check the analysis invariants.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from healthcheck.analysis import report
from healthcheck.extensions import db
from healthcheck.models import Alliance, Answer, Invitation, Response
from tests.conftest import csrf_token

FORM_SETTINGS = settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE answers; --",
            "\x00\x00",
            "%00",
            "../../etc/passwd",
            "{{7*7}}",
            "<img src=x onerror=alert(1)>",
            "x" * 6000,
        ]
    ),
)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def respondent(make_alliance, make_round, invite):
    return invite(make_round(make_alliance()), "A")[0]


def test_respondent_form_never_fails_on_generated_input(app, respondent):
    client = app.test_client()
    page = client.get(f"/r/{respondent}/answer").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    keys = sorted(set(re.findall(r'name="(q-[a-z_]+)"', page)))
    seen = {"ok": 0, "rejected": 0}

    @FORM_SETTINGS
    @given(
        values=st.lists(
            st.one_of(st.sampled_from(["1", "5", "na", "NA", "0", "6", "-1", "3.5", ""]), nasty_text),
            min_size=1,
            max_size=6,
        ),
        comment=nasty_text,
    )
    def drive(values, comment):
        data = {k: v for k, v in zip(keys, values, strict=False)} | {
            "c-trust": comment,
            "action": "save",
            "csrf_token": token,
        }
        response = client.post(f"/r/{respondent}/answer", data=data)
        assert response.status_code in (200, 400), response.status_code
        seen["ok" if response.status_code == 200 else "rejected"] += 1

    drive()
    assert seen["ok"] > 0 and seen["rejected"] > 0
    with app.app_context():
        scores = set(db.session.scalars(select(Answer.score)))
    assert scores <= {None, 1, 5}  # nothing out of range was ever stored


def test_manager_forms_never_fail_on_generated_input(app, client, login, make_alliance, make_round):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="draft")
    closed = make_round(alliance, "Closed", status="closed")
    with app.app_context():
        from healthcheck.services import actions

        action = actions.create(
            db.session.get(Alliance, alliance), actions.ActionData("A", "B", date.today()), None
        )
        db.session.commit()
        action_id = action.id
    token = csrf_token(client, "/portfolio")
    alliances_before = _count(app, Alliance)

    @FORM_SETTINGS
    @given(
        name=nasty_text,
        side=nasty_text,
        segment=st.sampled_from(["complex", "x", ""]),
        k=nasty_text,
        email=nasty_text,
        csv_text=nasty_text,
        day=nasty_text,
    )
    def drive(name, side, segment, k, email, csv_text, day):
        posts = [
            (
                "/alliances/new",
                {
                    "name": name,
                    "side_a": side,
                    "side_b": "P",
                    "segment": segment,
                    "phase": "discovery",
                    "alliance_type": "R&D",
                    "k_anonymity": k,
                },
            ),
            (f"/alliances/{alliance}/rounds/{rnd}/invite", {"name": name, "email": email, "side": side}),
            (f"/alliances/{alliance}/rounds/{rnd}/invite-bulk", {"csv_text": csv_text}),
            (
                f"/alliances/{alliance}/rounds/new",
                {"label": name, "questionnaire": k, "opens_on": day, "closes_on": "2026-01-01"},
            ),
            (
                f"/alliances/{alliance}/notes",
                {"kind": segment, "title": name, "happened_on": day, "body": csv_text},
            ),
            (
                f"/alliances/{alliance}/actions/new",
                {"title": name, "owner": side, "due_on": day, "visibility": segment, "dimension": ""},
            ),
            (
                f"/alliances/{alliance}/edit",
                {
                    "name": name,
                    "side_a": side,
                    "side_b": "P",
                    "segment": segment,
                    "phase": "discovery",
                    "alliance_type": "R&D",
                    "k_anonymity": k,
                    "owners": email,
                    "members": csv_text,
                },
            ),
            (f"/alliances/{alliance}/rounds/{closed}/share", {"days": k, "recipients": email}),
            (f"/alliances/{alliance}/actions/{action_id}/status", {"status": segment, "back": name}),
            ("/login", {"email": email, "password": name}),
        ]
        for url, data in posts:
            response = client.post(url, data=data | {"csrf_token": token})
            assert response.status_code < 500, (url, response.status_code)

    drive()
    assert _count(app, Alliance) >= alliances_before


@settings(max_examples=300, deadline=None)
@given(
    a=st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=2, max_size=2), min_size=0, max_size=7
    ),
    b=st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=2, max_size=2), min_size=0, max_size=7
    ),
    k=st.integers(3, 5),
)
def test_analysis_invariants(a, b, k):
    def frame(rows_a, rows_b):
        rows = [
            (side, f"{side}{i}", "d", f"q{j}", float("nan") if v is None else v)
            for side, people in (("A", rows_a), ("B", rows_b))
            for i, person in enumerate(people)
            for j, v in enumerate(person)
        ]
        return pd.DataFrame(rows, columns=["side", "respondent", "dimension", "question", "score"])

    dims = pd.DataFrame({"key": ["d"], "title": ["D"], "weight": [1.0]})
    qs = pd.DataFrame({"key": ["q0", "q1"], "dimension": ["d", "d"], "text": ["", ""]})
    meta = {
        "alliance": {"name": "x", "segment": "simple", "sides": {"A": "a", "B": "b"}},
        "round": {"label": "r", "status": "closed", "opens_on": "", "closes_on": "", "questionnaire": ""},
        "scale": {"min": 1, "max": 5},
    }
    counts = {"A": {"invited": None, "submitted": len(a)}, "B": {"invited": None, "submitted": len(b)}}
    swapped_counts = {"A": counts["B"], "B": counts["A"]}
    one = report.build(meta, frame(a, b), dims, qs, counts, k)
    two = report.build(meta, frame(b, a), dims, qs, swapped_counts, k)
    for x, y in zip(one["dimensions"] + one["questions"], two["dimensions"] + two["questions"], strict=True):
        assert (x["gap"] is None) == (y["gap"] is None)
        if x["gap"] is not None:
            assert x["gap"] == pytest.approx(-y["gap"])  # swapping the sides negates every gap
        for side in ("A", "B"):
            block = x[side]
            if block["n"] < k:
                assert block == {"n": block["n"], "suppressed": True}  # nothing from n<k leaves
            else:
                assert 1 <= block["mean"] <= 5 and 1 <= block["median"] <= 5
    for s in ("A", "B"):
        index = one["sides"][s]["health_index"]
        assert index is None or 0 <= index <= 100


def test_huge_comment_nul_bytes_and_invalid_utf8(app, respondent):
    client = app.test_client()
    page = client.get(f"/r/{respondent}/answer").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    huge = client.post(
        f"/r/{respondent}/answer", data={"c-trust": "x" * 100_000, "action": "save", "csrf_token": token}
    )
    assert huge.status_code == 400 and "limited to 5000 characters" in huge.get_data(as_text=True)
    nul = client.post(
        f"/r/{respondent}/answer", data={"c-trust": "a\x00b", "action": "save", "csrf_token": token}
    )
    assert nul.status_code == 200
    raw = b"q-trust_commitments=\xff\xfe&action=save&csrf_token=" + token.encode()
    bad = client.post(f"/r/{respondent}/answer", data=raw, content_type="application/x-www-form-urlencoded")
    assert bad.status_code in (200, 400)
    with app.app_context():
        from healthcheck.models import DimensionComment

        texts = list(db.session.scalars(select(DimensionComment.text)))
        scores = list(db.session.scalars(select(Answer.score)))
    assert texts == ["ab"] and scores == []


def test_huge_and_malformed_uploads(app, client, login, make_alliance, make_round, tmp_path, runner):
    login()
    alliance = make_alliance(owner="manager@example.com")
    rnd = make_round(alliance, status="draft")
    url = f"/alliances/{alliance}/rounds/{rnd}"
    big = io.BytesIO(b"name,email,side,function\n" + b"x,y@z.example,A,\n" * 200_000)
    response = client.post(
        f"{url}/invite-bulk",
        data={"csv_file": (big, "big.csv"), "csrf_token": csrf_token(client, url)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "larger than the 2 MB" in response.get_data(as_text=True)
    quoted = client.post(
        f"{url}/invite-bulk",
        data={
            "csv_text": 'name,email,side,function\n"unclosed,x@y.example,A,\n',
            "csrf_token": csrf_token(client, url),
        },
    )
    assert quoted.status_code == 400
    assert _count(app, Invitation) == 0
    huge_yaml = tmp_path / "huge.yaml"
    huge_yaml.write_text("key: huge\n" + "# padding\n" * 60_000)
    result = runner.invoke(args=["questionnaire", "validate", str(huge_yaml)])
    assert result.exit_code == 2 and "larger than" in result.output
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nkey: bomb\n"
    )
    assert runner.invoke(args=["questionnaire", "validate", str(bomb)]).exit_code == 2
    assert _count(app, Response) == 0


def test_nul_bytes_in_manager_forms_are_refused(app, client, login):
    login()
    response = client.post(
        "/alliances/new",
        data={
            "name": "Bad\x00name",
            "side_a": "A",
            "side_b": "B",
            "segment": "typical",
            "csrf_token": csrf_token(client, "/portfolio"),
        },
    )
    assert response.status_code == 400 and "contains a NUL byte" in response.get_data(as_text=True)
    assert _count(app, Alliance) == 0

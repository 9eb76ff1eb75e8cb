"""Issue 15 item 4: the pack renderers are pure (a content dict in, bytes out) and a section
too long for one slide continues on the next instead of overflowing."""

import io

import altair as alt
import pandas as pd
from pptx import Presentation

from healthcheck.exports import steering


def _content(comments: int, comment_len: int, actions: int) -> dict:
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    text = ("word " * (comment_len // 5)).strip()
    return {
        "alliance": {
            "name": "Pure Alliance",
            "side_a": "Side A Org",
            "side_b": "Side B Org",
            "north_star": "",
        },
        "round": {
            "label": "R1",
            "questionnaire": "q@1",
            "opened_on": "2026-01-01",
            "closed_on": "2026-01-20",
        },
        "generated": "2026-01-21 10:00",
        "k": 3,
        "scale": {"min": 1, "max": 5},
        "talking_points": [{"kind": "real_gap", "message": "Point " + text[:300]} for _ in range(5)],
        "hidden_reasons": [],
        "headline": {"health_index": "70", "alignment_index": "80", "rag": "AMBER", "sides": []},
        "dimensions": [],
        "charts": {"radar": chart, "gaps": chart, "trend": None},
        "trend_rounds": ["R1"],
        "review": None,
        "actions": [
            {
                "title": f"Action {i} " + "x" * 150,
                "dimension": "Trust",
                "owner_a": "a@x.example",
                "owner_b": "B",
                "due_on": "2026-03-01",
                "status": "open",
                "accepted": True,
            }
            for i in range(actions)
        ],
        "comments": [{"dimension": "Trust", "sides": [{"name": "Side A Org", "texts": [text] * comments}]}],
    }


def _slides(data: bytes):
    prs = Presentation(io.BytesIO(data))
    return [(s.shapes.title.text, s) for s in prs.slides]


def test_long_comments_and_many_actions_continue_on_more_slides():
    slides = _slides(steering.to_pptx(_content(comments=12, comment_len=3000, actions=30)))
    titles = [t for t, _ in slides]
    comment_slides = [t for t in titles if t.startswith("Comments")]
    action_slides = [t for t in titles if t.startswith("Joint action plan")]
    assert len(comment_slides) >= 12 and comment_slides[0] == f"Comments (1/{len(comment_slides)})"
    assert len(action_slides) >= 3
    for title, slide in slides:
        if title.startswith("Comments"):
            body = [
                s
                for s in slide.shapes
                if s.has_text_frame and s != slide.shapes.title and "generated" not in s.text_frame.text
            ]
            assert len(body) == 1 and 0 < len(body[0].text_frame.text) < 2400
        if title.startswith("Joint action plan"):
            table = next(s for s in slide.shapes if s.has_table)
            assert len(table.table.rows) <= 13


def test_short_sections_stay_on_one_slide_each():
    titles = [t for t, _ in _slides(steering.to_pptx(_content(comments=2, comment_len=100, actions=2)))]
    assert titles == [
        "Pure Alliance",
        "What to talk about",
        "Headline indices",
        "Where the two sides agree and differ",
        "Perception gaps",
        "Trend",
        "Review outcome",
        "Joint action plan",
        "Comments",
    ]


def test_actions_csv_neutralises_formulas():
    content = _content(1, 10, 0)
    content["actions"] = [
        {
            "title": "=1+1",
            "dimension": "-x",
            "owner_a": "@a",
            "owner_b": "+b",
            "due_on": "2026-01-01",
            "status": "open",
            "accepted": False,
        }
    ]
    lines = steering.actions_csv(content).splitlines()
    assert lines[1] == "'=1+1,'-x,'@a,'+b,2026-01-01,open,no"


def test_user_text_cannot_break_out_of_the_html_or_its_style():
    content = _content(1, 10, 1)
    content["alliance"]["name"] = 'Evil"} body{display:none} </style><script>alert(1)</script>'
    content["actions"][0]["title"] = "<img src=x onerror=alert(1)>"
    html = steering.to_html(content)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert (
        html.count("</style>") == 1
        and "display:none" not in html.split("</style>")[0].split("@page")[1].split("}")[0]
    )

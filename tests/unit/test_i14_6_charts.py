"""Issue 14 item 6: charts a committee can read — type sizes, one colour language, labels
that never overprint, axes fitted to the data, hatched "not shown" cells, titled downloads."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd
import pytest

from healthcheck.charts import bars, labels, palette, radar, render, sets, trends
from tests.unit.report_meta import META
from tests.unit.test_charts import means

CSS = Path(__file__).resolve().parents[2] / "healthcheck" / "web" / "static" / "app.css"
TEXT_TAG = re.compile(r"<text\b[^>]*>")
FONT_SIZE = re.compile(r'font-size="([0-9.]+)px"')


def gaps(hidden: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": ["Finance and budget", "Governance and decision making", "Trust"],
            "gap": [1.2, -0.3, None if hidden else 0.1],
            "gap_level": ["gap", "aligned", None if hidden else "aligned"],
            "judgement": ["real gap", "aligned", None if hidden else "aligned"],
            "ci_low": [0.6, -0.8, None if hidden else -0.2],
            "ci_high": [1.8, 0.2, None if hidden else 0.4],
        }
    )


def questions(hidden: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question": ["q1", "q2", "q3", "q4"],
            "text": ["a", "b", "c", "d"],
            "dimension": ["d1", "d1", "d2", "d2"],
            "title": ["Finance and budget", "Finance and budget", "Trust", "Trust"],
            "number": [1, 2, 1, 2],
            "gap": [1.5, None if hidden else 0.3, -1.2, 0.0],
            "gap_level": ["gap", None, "gap", "aligned"],
        }
    )


def trend_means() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "round": r,
                "order": i,
                "dimension": "finance",
                "title": "Finance and budget",
                "side": s,
                "organisation": org,
                "mean": m,
            }
            for i, r in enumerate(["R1", "R2"])
            for s, org, m in (("A", "Aurora", 4.0), ("B", "Helix", 3.0 - i))
        ]
    )


def indices() -> pd.DataFrame:
    metrics = ["Health index", "Alignment index", "Health index Aurora", "Health index Helix"]
    return pd.DataFrame(
        [
            {"round": r, "order": i, "metric": m, "value": 60.0 + i + j}
            for i, r in enumerate(["R1", "R2"])
            for j, m in enumerate(metrics)
        ]
    )


def crowded(count: int = 30) -> pd.DataFrame:
    """``count`` alliances with long names packed into a few points of each index."""
    return pd.DataFrame(
        {
            "alliance": [f"Alliance number {i} Co-development" for i in range(count)],
            "segment": [("complex", "typical", "simple")[i % 3] for i in range(count)],
            "health_index": [62 + (i * 7) % 9 for i in range(count)],
            "alignment_index": [88 + (i * 5) % 6 for i in range(count)],
            "rag": ["amber"] * count,
        }
    )


def every_chart():
    portfolio = crowded(12)
    return {
        "radar": radar.radar_chart(means()),
        "radar with a hidden side": radar.radar_chart(means(b_suppressed=True)),
        "gaps": bars.gap_chart(gaps(hidden=True), "Aurora", "Helix"),
        "gaps on a phone": bars.gap_chart(gaps(), "Aurora", "Helix", **bars.COMPACT),
        "questions": bars.question_heatmap(questions(), "Aurora", "Helix"),
        "trend dimensions": trends.trend_small_multiples(trend_means(), ["Aurora", "Helix"]),
        "trend dimensions on a phone": trends.trend_small_multiples(
            trend_means(), ["Aurora", "Helix"], columns=2
        ),
        "trend indices": trends.index_trend(indices()),
        "portfolio": trends.portfolio_chart(portfolio),
        "titled": sets.titled(bars.gap_chart(gaps(), "Aurora", "Helix"), "Title", "Subtitle"),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_i14_6_every_text_of_every_chart_is_at_least_12px(name):
    svg = render.svg(every_chart()[name])
    tags = TEXT_TAG.findall(svg)
    assert len(tags) > 5, name
    sizes = [float(FONT_SIZE.search(tag).group(1)) for tag in tags]  # each text carries its size
    assert min(sizes) >= palette.MIN_FONT, (name, sorted(set(sizes)))


def _scales(spec, found=None):
    """Every colour-like scale in a Vega-Lite spec: (field, domain, range)."""
    found = [] if found is None else found
    if isinstance(spec, dict):
        for channel in ("color", "fill", "stroke"):
            enc = spec.get("encoding", {}).get(channel)
            if isinstance(enc, dict) and "scale" in enc:
                found.append((enc.get("field"), enc["scale"].get("domain"), enc["scale"].get("range")))
            if isinstance(enc, dict) and "condition" in enc and "scale" in enc["condition"]:
                scale = enc["condition"]["scale"]
                found.append((enc["condition"].get("field"), scale.get("domain"), scale.get("range")))
        for value in spec.values():
            _scales(value, found)
    elif isinstance(spec, list):
        for item in spec:
            _scales(item, found)
    return found


def test_i14_6_side_colours_are_the_same_in_every_builder_and_never_a_concern_colour():
    side_scales = {
        "radar": _scales(radar.radar_chart(means()).to_dict()),
        "trend dimensions": _scales(
            trends.trend_small_multiples(trend_means(), ["Aurora", "Helix"]).to_dict()
        ),
        "trend indices": _scales(trends.index_trend(indices()).to_dict()),
    }
    for name, scales in side_scales.items():
        by_side = [s for s in scales if s[1] and "Aurora" in " ".join(map(str, s[1]))]
        assert by_side, name
        for _field, domain, colours in by_side:
            mapping = dict(zip(domain, colours, strict=False))
            a = next(v for k, v in mapping.items() if "Aurora" in k)
            b = next(v for k, v in mapping.items() if "Helix" in k)
            assert (a, b) == (palette.SIDE_A, palette.SIDE_B), name
    # the statement heatmap runs from side B's colour (B rates higher) to side A's
    heat = _scales(bars.question_heatmap(questions(), "Aurora", "Helix").to_dict())
    assert [r for _f, _d, r in heat if r] == [[palette.SIDE_B, palette.ZERO, palette.SIDE_A]]
    # verdict and RAG colours never stand for a side, side colours never for a verdict or RAG
    concern = palette.concern_colours()
    assert not concern & {palette.SIDE_A.lower(), palette.SIDE_B.lower(), palette.ZERO.lower()}
    verdicts = _scales(bars.gap_chart(gaps(hidden=True), "Aurora", "Helix").to_dict())
    rag = _scales(trends.portfolio_chart(crowded(3)).to_dict())
    for _field, _domain, colours in verdicts + rag:
        assert not {c.lower() for c in colours or [] if isinstance(c, str)} & {
            palette.SIDE_A.lower(),
            palette.SIDE_B.lower(),
        }
    # no builder falls back to a Vega colour scheme of its own (the old heatmap's "redblue")
    for chart in every_chart().values():
        assert '"scheme"' not in str(chart.to_json())


def test_i14_6_page_text_colours_are_the_palettes():
    css = CSS.read_text()
    assert f"--side-a: {palette.SIDE_A};" in css and f"--side-b: {palette.SIDE_B};" in css


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_i14_6_portfolio_labels_never_overprint_on_a_crowded_portfolio():
    rows = crowded(30)
    plot = labels.Plot(
        trends.PORTFOLIO_WIDTH,
        trends.PORTFOLIO_HEIGHT,
        labels.fitted_domain(rows["alignment_index"]),
        labels.fitted_domain(rows["health_index"]),
    )
    placed = labels.place(rows, "alignment_index", "health_index", "alliance", plot, 12, radius=8)
    boxes = [b for b in placed["box"] if b is not None]
    assert len(boxes) >= 8  # the crowd still gets labels
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b)
    markers = [plot.px(x, y) for x, y in zip(rows["alignment_index"], rows["health_index"], strict=True)]
    for left, top, right, bottom in boxes:
        assert left >= 0 and right <= plot.width and top >= 0 and bottom <= plot.height
        for mx, my in markers:  # no label covers any point's marker (radius 8)
            nx, ny = min(max(mx, left), right), min(max(my, top), bottom)
            assert (mx - nx) ** 2 + (my - ny) ** 2 >= 8**2
    # names that did not fit got numbers, listed in the chart's key; the rest keep their tooltip
    numbered = placed.dropna(subset=["key"])
    assert len(numbered) > 0 and list(numbered["label"]) == [str(int(k)) for k in numbered["key"]]
    assert sorted(numbered["key"]) == list(range(1, len(numbered) + 1))
    svg = render.svg(trends.portfolio_chart(rows))
    for key, name in zip(numbered["key"], numbered["alliance"], strict=True):
        assert f">{int(key)}  {name}</text>" in svg
    # the riskiest alliance (first row) is the first to get its name
    assert placed["label"].iloc[0] == rows["alliance"].iloc[0]


def test_i14_6_label_widths_follow_helvetica_metrics():
    # "Wil" = W 944 + i 222 + l 222 = 1388/1000 em; at 10 px that is 13.88 px, times the 1.08 margin
    assert labels.text_width("Wil", 10) == pytest.approx(13.88 * 1.08)


def test_i14_6_portfolio_axes_fitted_to_the_data():
    # health 55–80 → 53 and 82 padded → (50, 85); alignment 85–95 → 83 and 97 → (80, 100)
    rows = pd.DataFrame(
        {
            "alliance": ["One", "Two", "Three"],
            "segment": ["complex", "typical", "simple"],
            "health_index": [55.0, 70.0, 80.0],
            "alignment_index": [85.0, 90.0, 95.0],
            "rag": ["amber", "amber", "green"],
        }
    )
    spec = trends.portfolio_chart(rows).to_dict()
    point = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert point["encoding"]["x"]["scale"]["domain"] == [80, 100]
    assert point["encoding"]["y"]["scale"]["domain"] == [50, 85]
    # a narrow spread still spans 20 points: 70–72 → (65, 75) widened a step each side → (60, 80)
    assert labels.fitted_domain([70, 72]) == (60, 80)
    assert labels.fitted_domain([1, 99]) == (0, 100)
    # the RAG thresholds drawn are the ones inside the axis: 75 in (50, 85), 50 on its edge is not
    rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    rule_rows = spec["datasets"][rule["data"]["name"]]
    assert [r["y"] for r in rule_rows] == [75.0]


def test_i14_6_heatmap_not_shown_cells_are_hatched_and_keyed():
    spec = bars.question_heatmap(questions(hidden=True), "Aurora", "Helix").to_dict()
    grid, key = spec["vconcat"]
    coloured, hatched, _text = grid["layer"]
    assert coloured["transform"] == [{"filter": "datum.shown !== null"}]
    assert hatched["transform"] == [{"filter": "datum.shown === null"}]
    assert hatched["mark"]["fill"]["gradient"] == "linear"  # stripes, not a colour of the scale
    svg = render.svg(bars.question_heatmap(questions(hidden=True), "Aurora", "Helix"))
    assert palette.NOT_SHOWN in svg and "linearGradient" in svg
    # with every cell shown, there is no key to explain hatching
    assert "vconcat" not in bars.question_heatmap(questions(hidden=False), "A", "B").to_dict()


def _report() -> dict:
    dim = {
        "key": "finance",
        "title": "Finance",
        "weight": 1.0,
        "A": {"n": 3, "mean": 4.0, "median": 4.0, "std": 0.5, "ci95": [3.0, 5.0]},
        "B": {"n": 3, "mean": 3.0, "median": 3.0, "std": 0.5, "ci95": [2.0, 4.0]},
        "gap": 1.0,
        "gap_level": "gap",
        "p_value": 0.2,
        "classification": "gap_a_higher",
    }
    question = {
        "key": "q1",
        "dimension": "finance",
        "text": "Budget clear",
        "A": dim["A"],
        "B": dim["B"],
        "gap": 1.0,
        "gap_level": "gap",
    }
    return {**META, "dimensions": [dim], "questions": [question], "sides": {}, "warnings": []}


@pytest.mark.parametrize("name", ["radar", "gaps", "questions"])
def test_i14_6_round_downloads_carry_alliance_round_and_date(name):
    spec = sets.round_download(_report(), name).to_dict()
    assert spec["title"]["text"] == "X — health check R1"
    assert spec["title"]["subtitle"][0].startswith("Pharma × Bio · closed 2026-01-22")
    svg = render.svg(sets.round_download(_report(), name))
    assert "X — health check R1" in svg and "closed 2026-01-22" in svg


def test_i14_6_gap_download_keeps_its_interval_note_under_the_title():
    spec = sets.round_download(_report(), "gaps").to_dict()
    assert spec["title"]["subtitle"][1] == bars.INTERVAL_NOTE


def test_i14_6_trend_downloads_carry_alliance_rounds_and_date():
    second = {**_report(), "round": {**META["round"], "label": "R2", "closes_on": "2026-07-01"}}
    trend = {
        "alliance": META["alliance"],
        "rounds": [
            {
                **_report(),
                "health_index": 60.0,
                "alignment_index": 80.0,
                "sides": {"A": {"health_index": 70.0}, "B": {"health_index": 50.0}},
            },
            {
                **second,
                "health_index": 62.0,
                "alignment_index": 82.0,
                "sides": {"A": {"health_index": 71.0}, "B": {"health_index": 53.0}},
            },
        ],
    }
    for name in sets.TREND_CHARTS:
        spec = sets.trend_download(trend, name).to_dict()
        assert spec["title"]["text"] == "X — trend R1 to R2"
        assert "latest round closed 2026-07-01" in spec["title"]["subtitle"][0]

"""Chart structure (series, axes, labels) and a real render to SVG."""

import math

import pandas as pd
import pytest

from healthcheck.charts import bars, radar, render, trends

TITLES = ["Milestones", "Finance", "Trust", "Compliance"]


def means(b_suppressed=False):
    rows = []
    for i, title in enumerate(TITLES):
        rows.append(
            {
                "title": title,
                "side": "A",
                "organisation": "Aurora",
                "mean": 5.0 - i * 0.5,
                "suppressed": False,
            }
        )
        rows.append(
            {
                "title": title,
                "side": "B",
                "organisation": "Helix",
                "mean": None if b_suppressed else 3.0,
                "suppressed": b_suppressed,
            }
        )
    return pd.DataFrame(rows)


def test_radar_vertices_start_at_twelve_oclock_clockwise_and_close():
    frame = means().assign(series=lambda f: f["organisation"])
    poly = radar.vertices(frame, 1, 5)
    a = poly[poly["series"] == "Aurora"].sort_values("order")
    assert len(a) == len(TITLES) + 1  # closed: first vertex repeated
    first, second = a.iloc[0], a.iloc[1]
    assert first["x"] == pytest.approx(0.0) and first["y"] == pytest.approx(1.0)  # 5 on 1..5 → r=1
    assert second["x"] > 0 and second["y"] == pytest.approx(0.0, abs=1e-9)  # clockwise: 3 o'clock
    assert (a.iloc[-1][["x", "y"]] == first[["x", "y"]]).all()
    r = math.hypot(second["x"], second["y"])
    assert r == pytest.approx((4.5 - 1) / 4)


def test_radar_layers_domain_and_legend():
    spec = radar.radar_chart(means()).to_dict()
    layers = spec["layer"]
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers]
    assert marks.count("line") == 3  # rings, spokes, polygons
    assert "text" in marks and "point" in marks
    x_scale = layers[0]["encoding"]["x"]["scale"]["domain"]
    assert x_scale[0] == -x_scale[1]  # fixed symmetric domain
    polygon = next(layer for layer in layers if layer["encoding"].get("color"))
    assert polygon["encoding"]["color"]["scale"]["domain"] == ["Aurora", "Helix"]
    assert spec["width"] / spec["height"] == pytest.approx(radar.X_LIMIT / radar.Y_LIMIT, rel=0.01)


def test_radar_marks_a_suppressed_side_and_draws_no_polygon_for_it():
    spec = radar.radar_chart(means(b_suppressed=True)).to_dict()
    datasets = spec["datasets"].values()
    polygon = next(layer for layer in spec["layer"] if layer["encoding"].get("color"))
    assert polygon["encoding"]["color"]["scale"]["domain"] == [
        "Aurora",
        "Helix (not shown: fewer than k answers)",
    ]
    drawn = {row["series"] for data in datasets for row in data if "order" in row and "series" in row}
    assert drawn == {"Aurora"}


def test_radar_renders_to_svg_with_labels_and_names():
    svg = render.svg(radar.radar_chart(means()))
    assert svg.startswith("<svg")
    for text in [*TITLES, "Aurora", "Helix", ">5<"]:
        assert text in svg


def test_gap_chart_colours_by_verdict_and_labels_missing_gaps():
    gaps = pd.DataFrame(
        {
            "title": ["Finance", "Trust", "Culture"],
            "gap": [2.8, -0.3, None],
            "gap_level": ["gap", "aligned", None],
            "judgement": ["real gap", "aligned", None],
            "ci_low": [1.9, -0.8, None],
            "ci_high": [3.7, 0.2, None],
        }
    )
    spec = bars.gap_chart(gaps, "Aurora", "Helix").to_dict()
    bar = spec["layer"][0]
    domain = ["real gap", "possible gap", "aligned", "not shown: fewer than k answers"]
    assert bar["encoding"]["color"]["scale"]["domain"] == domain
    assert bar["encoding"]["x"]["scale"]["domain"] == [-4.0, 4.0]  # widened to fit 3.7, capped at the range
    assert "← Helix rates higher · Aurora rates higher →" in bar["encoding"]["x"]["title"]
    rows = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in rows] == ["+2.80", "-0.30", "–"]
    assert "Finance" in render.svg(bars.gap_chart(gaps, "Aurora", "Helix"))


def test_question_heatmap_has_a_cell_per_statement():
    frame = pd.DataFrame(
        {
            "question": ["q1", "q2", "q3"],
            "text": ["a", "b", "c"],
            "dimension": ["d1", "d1", "d2"],
            "title": ["One", "One", "Two"],
            "number": [1, 2, 1],
            "gap": [1.5, None, -0.2],
            "gap_level": ["gap", None, "aligned"],
        }
    )
    spec = bars.question_heatmap(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in rows] == ["+1.5", "n<k", "-0.2"]
    grid = spec["vconcat"][0]  # the grid, then the key of its hatched (not shown) cells
    assert grid["layer"][0]["mark"]["type"] == "rect"


def test_trend_charts_structure_and_render():
    data = pd.DataFrame(
        [
            {
                "round": r,
                "order": i,
                "dimension": "finance",
                "title": "Finance",
                "side": s,
                "organisation": org,
                "mean": m,
            }
            for i, r in enumerate(["R1", "R2"])
            for s, org, m in (("A", "Aurora", 4.0), ("B", "Helix", 3.0 - i))
        ]
    )
    small = trends.trend_small_multiples(data, ["Aurora", "Helix"]).to_dict()
    assert small["facet"]["field"] == "title" and small["columns"] == 4
    assert "Finance" in render.svg(trends.trend_small_multiples(data, ["Aurora", "Helix"]))
    idx = pd.DataFrame(
        {"round": ["R1", "R2"], "order": [0, 1], "metric": ["Health index"] * 2, "value": [70.0, 60.0]}
    )
    spec = trends.index_trend(idx).to_dict()
    assert spec["layer"][1]["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 100]


def test_portfolio_chart_drops_alliances_without_figures():
    rows = pd.DataFrame(
        {
            "alliance": ["A1", "A2"],
            "segment": ["complex", "simple"],
            "health_index": [80.0, None],
            "alignment_index": [90.0, None],
            "rag": ["green", None],
        }
    )
    spec = trends.portfolio_chart(rows).to_dict()
    names = {r.get("alliance") for data in spec["datasets"].values() for r in data}
    assert "A1" in names and "A2" not in names


def test_render_cache_hits_on_same_data_and_misses_on_new_data():
    chart = radar.radar_chart(means())
    render.svg(chart)
    hits = render.stats["hits"]
    render.svg(radar.radar_chart(means()))
    assert render.stats["hits"] == hits + 1
    misses = render.stats["misses"]
    changed = means()
    changed.loc[0, "mean"] = 1.0
    render.svg(radar.radar_chart(changed))
    assert render.stats["misses"] == misses + 1
    assert render.render(chart, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_i13_6_trend_lines_carry_each_sides_interval():
    from healthcheck.analysis import frames

    def block(mean, half):
        return {"n": 5, "mean": mean, "std": 0.5, "ci95": [mean - half, mean + half]}

    def report(label, b_block):
        return {
            "round": {"label": label},
            "dimensions": [{"key": "finance", "title": "Finance", "A": block(4.0, 0.3), "B": b_block}],
        }

    trend = {
        "alliance": {"sides": {"A": "Aurora", "B": "Helix"}},
        "rounds": [report("R1", block(3.5, 0.4)), report("R2", {"n": 2, "suppressed": True})],
    }
    data = frames.trend_means(trend)
    assert data[["round", "side", "ci_low", "ci_high"]].values.tolist()[:3] == [
        ["R1", "A", 3.7, 4.3],
        ["R1", "B", 3.1, 3.9],
        ["R2", "A", 3.7, 4.3],
    ]
    assert data.iloc[3][["mean", "ci_low", "ci_high"]].isna().all()  # suppressed: no mean, no interval
    spec = trends.trend_small_multiples(data, ["Aurora", "Helix"]).to_dict()
    rule = spec["spec"]["layer"][0]
    assert rule["mark"]["type"] == "rule"
    assert rule["encoding"]["y"]["field"] == "ci_low" and rule["encoding"]["y2"]["field"] == "ci_high"
    assert rule["encoding"]["xOffset"]["field"] == "organisation"  # the two sides side by side
    svg = render.svg(trends.trend_small_multiples(data, ["Aurora", "Helix"]))
    # three intervals drawn (R2's suppressed B has none)
    assert svg.count('aria-roledescription="rule mark"') == 3

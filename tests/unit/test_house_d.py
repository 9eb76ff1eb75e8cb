"""Issue 12, item 8 (memory): what a web worker keeps is bounded."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from healthcheck.analysis import distributions, stats


def test_house_08_memory_analysis_does_not_import_scipy_stats():
    """scipy.stats is ~48 MB per worker; the report statistics need only scipy.special."""
    code = (
        "import sys, healthcheck.analysis.stats, healthcheck.analysis.grouped, "
        "healthcheck.services.assembly, healthcheck.charts.sets; "
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("seed", range(5))
def test_house_08_memory_exact_mann_whitney_equals_scipy(seed):
    rng = random.Random(seed)
    for _ in range(200):
        n1, n2 = rng.randint(3, 8), rng.randint(3, 25)
        if rng.random() < 0.5:
            n1, n2 = n2, n1
        values = rng.sample(range(500), n1 + n2)  # distinct: the exact method applies
        a, b = values[:n1], values[n1:]
        expected = sps.mannwhitneyu(a, b, alternative="two-sided")
        assert distributions.mann_whitney_exact_p(expected.statistic, n1, n2) == pytest.approx(
            expected.pvalue, rel=1e-12
        )
        assert stats.mann_whitney_p(a, b) == pytest.approx(expected.pvalue, rel=1e-12)


def test_house_08_memory_single_pair_mann_whitney_with_ties_equals_scipy():
    rng = random.Random(3)
    for _ in range(300):
        a = [rng.randint(1, 5) for _ in range(rng.randint(3, 20))]
        b = [rng.randint(1, 5) for _ in range(rng.randint(3, 20))]
        expected = sps.mannwhitneyu(a, b, alternative="two-sided").pvalue
        assert stats.mann_whitney_p(a, b) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert stats.mann_whitney_p([3, 3, 3], [3, 3, 3]) == sps.mannwhitneyu([3] * 3, [3] * 3).pvalue


def test_house_08_memory_t_quantile_and_normal_tail_equal_scipy():
    df = np.arange(1, 60)
    assert np.array_equal(distributions.t_ppf(0.975, df), sps.t.ppf(0.975, df))
    z = np.linspace(-6, 6, 97)
    assert np.array_equal(distributions.norm_sf(z), sps.norm.sf(z))
    assert stats.describe([1, 2, 4, 5])["ci95"] == pytest.approx(
        [
            3 - sps.t.ppf(0.975, 3) * np.std([1, 2, 4, 5], ddof=1) / 2,
            3 + sps.t.ppf(0.975, 3) * np.std([1, 2, 4, 5], ddof=1) / 2,
        ],
        rel=1e-15,
    )


def test_house_08_memory_chart_cache_is_bounded_by_bytes_and_evicts_least_recent():
    from healthcheck.charts.render import Cache

    cache = Cache(max_entries=100, max_bytes=10)
    cache.put(("a",), b"1234")
    cache.put(("b",), b"1234")
    assert cache.get(("a",)) == b"1234"  # a is now the most recent
    cache.put(("c",), b"1234")  # 12 bytes > 10: the least recent (b) goes
    assert ("b",) not in cache and ("a",) in cache and ("c",) in cache
    assert cache.bytes == 8
    cache.put(("a",), b"12")  # replacing a value counts it once
    assert cache.bytes == 6 and len(cache) == 2
    cache.put(("huge",), b"x" * 11)  # larger than the whole cache: not kept, nothing evicted
    assert ("huge",) not in cache and cache.bytes == 6
    cache.clear()
    assert cache.bytes == 0 and len(cache) == 0


def test_house_08_memory_chart_cache_is_bounded_by_entries():
    from healthcheck.charts.render import Cache

    cache = Cache(max_entries=3, max_bytes=1000)
    for i in range(5):
        cache.put((i,), b"x")
    assert [k for k in (0, 1, 2, 3, 4) if (k,) in cache] == [2, 3, 4]


def test_house_08_memory_rendered_charts_never_hold_more_than_max_bytes(monkeypatch):
    """Through the real entry points (svg_for and render), with a stand-in converter."""
    from healthcheck.charts import radar, render

    monkeypatch.setattr(render, "_cache", render.Cache(render.MAX_ENTRIES, 5000))
    monkeypatch.setattr(render, "_convert", lambda text, fmt, language: b"<svg>" + b" " * 1500 + b"</svg>")
    for i in range(20):
        frame = pd.DataFrame(
            {
                "title": ["Trust", "Finance"] * 2,
                "side": ["A", "A", "B", "B"],
                "organisation": ["Aurora", "Aurora", "Helix", "Helix"],
                "mean": [1.0 + i / 10, 2.0, 3.0, 4.0],
                "suppressed": [False] * 4,
            }
        )
        render.svg_for(("round", i), lambda frame=frame: radar.radar_chart(frame))
        render.render(radar.radar_chart(frame), "png")
        assert render._cache.bytes <= 5000
    assert len(render._cache) == 3  # the three most recent conversions of 1,511 bytes each
    assert ("svg-key", "en", repr(("round", 19))) in render._cache


class _Worker:
    pid = 1234

    def __init__(self):
        self.alive = True
        self.logged = []
        self.log = self

    def info(self, *args):
        self.logged.append(args)


def test_house_08_memory_worker_above_its_limit_is_recycled_after_the_request():
    from healthcheck.runtime import recycle_if_large

    worker = _Worker()
    assert recycle_if_large(worker, 300, rss=lambda: 300.0) is False
    assert worker.alive is True
    assert recycle_if_large(worker, 300, rss=lambda: 301.0) is True
    assert worker.alive is False and worker.logged


def test_house_08_memory_worker_limit_zero_is_off():
    from healthcheck.runtime import recycle_if_large

    worker = _Worker()
    assert recycle_if_large(worker, 0, rss=lambda: 10_000.0) is False
    assert worker.alive is True


def test_house_08_memory_gunicorn_recycles_through_post_request(monkeypatch):
    """gunicorn.conf.py's hook applies HEALTHCHECK_WORKER_MAX_RSS_MB (300 by default)."""
    import runpy
    from pathlib import Path

    from healthcheck import runtime

    conf = str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py")
    monkeypatch.delenv("HEALTHCHECK_WORKER_MAX_RSS_MB", raising=False)
    settings = runpy.run_path(conf)
    assert settings["_max_worker_rss_mb"] == 300
    monkeypatch.setattr(runtime, "rss_mb", lambda: 350.0)
    worker = _Worker()
    settings["post_request"](worker, None, {}, None)
    assert worker.alive is False
    monkeypatch.setenv("HEALTHCHECK_WORKER_MAX_RSS_MB", "0")
    worker = _Worker()
    runpy.run_path(conf)["post_request"](worker, None, {}, None)
    assert worker.alive is True


def test_house_08_memory_rss_is_read_from_proc():
    from healthcheck.runtime import rss_mb

    assert rss_mb() > 0

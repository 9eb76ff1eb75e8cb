"""Issue 12, item 8 (memory): what a web worker keeps is bounded."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
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

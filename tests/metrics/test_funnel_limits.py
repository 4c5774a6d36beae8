"""Exact funnel limits (Spiegelhalter 2005), checked by hand and against scipy.stats (a test-only dependency)."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from scipy.stats import binom, poisson

from metrics.intervals import FUNNEL_TAILS, funnel_limits


def _reference(distribution, tail: float, scale: float) -> float:
    """(r - alpha) / scale from scipy: r the tail quantile, alpha = (F(r) - P) / (F(r) - F(r - 1))."""
    r = distribution.ppf(tail)
    alpha = (distribution.cdf(r) - tail) / (distribution.cdf(r) - distribution.cdf(r - 1))
    return (r - alpha) / scale


def test_lgbt_at_the_smallest_london_marac_by_hand() -> None:
    # London LGBT+ share 2.9%, a MARAC of 272 cases (issue 17): the binomial quantiles are 3 and 14 (95%), 1 and 18
    # (99.8%). Upper 99.8%: F(18) - 0.999 over P(X = 18) gives alpha = 0.0305, so (18 - 0.0305) / 272 = 6.322%;
    # the raw quantiles alone would say 1/272 = 0.37% to 18/272 = 6.62%, the normal approximation 0% to 6.04%.
    low95, high95 = funnel_limits(0.029, np.array([272.0]), 0.95)
    low998, high998 = funnel_limits(0.029, np.array([272.0]), 0.998)
    assert (low95[0], high95[0]) == pytest.approx((0.0087206, 0.0487674), abs=1e-7)
    assert (low998[0], high998[0]) == pytest.approx((0.00090279, 0.0632200), abs=1e-7)
    # so 17 LGBT+ victims/survivors of 272 (6.25%) lie inside the 99.8% funnel: P(X >= 17) = 0.0028 > 0.001
    assert high998[0] > 17 / 272
    assert binom.sf(16, 272, 0.029) == pytest.approx(0.002783, abs=1e-6)


def test_poisson_limits_at_one_expected_case_by_hand() -> None:
    # Poisson(1): F(0) = e^-1 = 0.36788, F(3) = 0.98101, F(5) = 0.999406; P(X = 3) = e^-1/6 = 0.061313,
    # P(X = 5) = e^-1/120 = 0.0030657. Upper 95%: r = 3, alpha = (0.98101 - 0.975) / 0.061313 = 0.09807 -> 2.9019;
    # upper 99.8%: r = 5, alpha = (0.999406 - 0.999) / 0.0030657 = 0.13237 -> 4.8676. Lower: r = 0, so
    # (0 - alpha) is below 0 and the limit stops at 0.
    e1 = math.exp(-1)
    f3, f5 = e1 * (1 + 1 + 1 / 2 + 1 / 6), e1 * (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24 + 1 / 120)
    upper95 = 3 - (f3 - 0.975) / (e1 / 6)
    upper998 = 5 - (f5 - 0.999) / (e1 / 120)
    assert (upper95, upper998) == pytest.approx((2.9019, 4.8676), abs=1e-4)
    low, high = funnel_limits(1.0, np.array([1.0]), 0.95, poisson=True)
    assert (low[0], high[0]) == pytest.approx((0.0, upper95), abs=1e-12)
    low, high = funnel_limits(1.0, np.array([1.0]), 0.998, poisson=True)
    assert (low[0], high[0]) == pytest.approx((0.0, upper998), abs=1e-12)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("centre", [0.013, 0.029, 0.19, 0.31, 0.5, 0.7, 0.97])
def test_binomial_limits_match_scipy_at_whole_sizes(centre: float, confidence: float) -> None:
    sizes = np.array([1, 2, 3, 5, 9, 10, 27, 60, 100, 150, 272, 411, 999, 1000, 2500, 6000], dtype=float)
    lower, upper = funnel_limits(centre, sizes, confidence)
    for n, low, high in zip(sizes, lower, upper, strict=True):
        # held to 0-1: at n = 1 and 1.3%, the upper 95% limit (0 - 0.012) / 1 is below 0, so it is drawn at 0
        expected = [min(max(_reference(binom(int(n), centre), tail, n), 0), 1) for tail in FUNNEL_TAILS[confidence]]
        assert (low, high) == pytest.approx(expected, abs=1e-9), n


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("centre", [0.32, 0.975, 1.0, 1.19])
def test_poisson_limits_match_scipy_at_any_expected_count(centre: float, confidence: float) -> None:
    expected_cases = np.array([0.1, 0.5, 1.0, 2.7, 9.5, 31.25, 100.0, 315.0, 379.4, 1234.5, 5000.0])
    lower, upper = funnel_limits(centre, expected_cases, confidence, poisson=True)
    for e, low, high in zip(expected_cases, lower, upper, strict=True):
        limits = [max(_reference(poisson(centre * e), tail, e), 0) for tail in FUNNEL_TAILS[confidence]]
        assert (low, high) == pytest.approx(limits, abs=1e-9), e


def test_fractional_sizes_interpolate_between_the_whole_sizes_either_side() -> None:
    # 272.25 lies a quarter of the way from 272 to 273: its limit is 0.75 x limit(272) + 0.25 x limit(273)
    lower, upper = funnel_limits(0.029, np.array([272.0, 273.0, 272.25]), 0.998)
    assert upper[2] == pytest.approx(0.75 * upper[0] + 0.25 * upper[1], abs=1e-15)
    assert lower[2] == pytest.approx(0.75 * lower[0] + 0.25 * lower[1], abs=1e-15)
    assert upper[0] != upper[1]  # so the check above is not of a flat line


def test_sizes_with_no_limits_are_nan_and_extreme_centres_are_flat() -> None:
    lower, upper = funnel_limits(0.3, np.array([0.0, 0.5, np.nan, 10.0]), 0.95)
    assert np.isnan(lower[:3]).all() and np.isnan(upper[:3]).all() and np.isfinite([lower[3], upper[3]]).all()
    lower, upper = funnel_limits(1.0, np.array([0.0, -1.0, 4.0]), 0.95, poisson=True)
    assert np.isnan(lower[:2]).all() and np.isnan(upper[:2]).all() and np.isfinite([lower[2], upper[2]]).all()
    # a centre of 0 (no MARAC has any) leaves no room for chance: r = 0, alpha = (1 - 0.999) / 1, the limit
    # (0 - 0.001) / 50 stops at 0; at a centre of 1, r = 50 and F(49) = 0, so the lower limit is (50 - 0.999) / 50
    assert funnel_limits(0.0, np.array([50.0]), 0.998)[1][0] == pytest.approx(0.0, abs=1e-12)
    assert funnel_limits(1.0, np.array([50.0]), 0.998)[0][0] == pytest.approx(0.98002, abs=1e-12)


def test_a_chart_s_two_hundred_sizes_at_both_confidences_take_milliseconds() -> None:
    sizes = np.linspace(1, 1500, 200)
    funnel_limits(0.3, sizes)  # the log-factorial table is built once, on first use
    start = time.perf_counter()
    for confidence in (0.95, 0.998):
        funnel_limits(0.3, sizes, confidence)
        funnel_limits(1.05, sizes, confidence, poisson=True)
    assert time.perf_counter() - start < 0.25  # about 15 ms here; generous for a loaded machine
